// What customers meet, in the settings form: the rating asked after a conversation, replies by
// e-mail (and, plainly, when this server sends none), the default language and the welcome and
// offline texts per language, the pre-chat questions, and the sites that may show the widget.

import { useState } from 'preact/hooks';
import type { Locale, OrganizationDetail, PrechatAsk, RatingStyle } from '../shared/types';
import { type CustomerSide, LANGUAGES, MAX_CUSTOM_QUESTIONS, keyFromLabel } from './customer-side';
import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { type PeriodUnit, withUnit } from './settings-periods';

interface Props {
  value: CustomerSide;
  errors: FieldErrors;
  onChange: (value: CustomerSide) => void;
  /** The organization as saved: whether replies do go out by e-mail. */
  org: OrganizationDetail;
}

const RATINGS: { value: RatingStyle; label: string }[] = [
  { value: 'numbers', label: 'Stars, 1 to 5' },
  { value: 'faces', label: 'Five faces' },
  { value: 'off', label: 'Off: do not ask' },
];

const ASKS: { value: PrechatAsk; label: string }[] = [
  { value: 'off', label: 'Not asked' },
  { value: 'optional', label: 'Optional' },
  { value: 'required', label: 'Required' },
];

const UNITS: { value: PeriodUnit; label: string }[] = [
  { value: 'off', label: 'Never by e-mail' },
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
];

export function CustomerSideFields({ value, errors, onChange, org }: Props) {
  const [textsIn, setTextsIn] = useState<Locale>(() => LANGUAGES.find((l) => l.locale !== value.default_locale)!.locale);
  const set = <K extends keyof CustomerSide>(key: K, v: CustomerSide[K]) => onChange({ ...value, [key]: v });
  const prechat = value.prechat;
  const setPrechat = (p: Partial<CustomerSide['prechat']>) => set('prechat', { ...prechat, ...p });
  const setQuestion = (i: number, q: Partial<CustomerSide['prechat']['custom'][number]>) =>
    setPrechat({ custom: prechat.custom.map((c, j) => (j === i ? { ...c, ...q } : c)) });
  const savedAfter = org.settings?.email_after_secs ?? 0;
  const noEmail = !org.email_follow_up && savedAfter > 0;
  const texts = value.texts[textsIn];
  const inLanguage = LANGUAGES.find((l) => l.locale === textsIn)!.english;

  return (
    <>
      <fieldset class="settings-section" data-customer-side="">
        <legend>What customers meet</legend>
        <div class="form-grid">
          <div class="field">
            <label for="rating-style" class="label-strong">Rating after a conversation</label>
            <select id="rating-style" name="rating_style" value={value.rating_style} onChange={(e) => set('rating_style', e.currentTarget.value as RatingStyle)} aria-describedby="rating-help">
              {RATINGS.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <small id="rating-help">Customers are asked once, when a conversation is closed, with an optional comment.</small>
          </div>
          <div class="field">
            <label for="default-locale" class="label-strong">Default language</label>
            <select id="default-locale" name="default_locale" value={value.default_locale} onChange={(e) => set('default_locale', e.currentTarget.value as Locale)} aria-describedby="locale-help">
              {LANGUAGES.map((l) => (
                <option key={l.locale} value={l.locale}>
                  {l.name}
                </option>
              ))}
            </select>
            <small id="locale-help">For customers whose browser speaks none of these, unless your site chooses one.</small>
          </div>
        </div>
        <div class="field period-field" role="group" aria-labelledby="email-after-label" data-period="email_after_secs">
          <span id="email-after-label">Unread replies go to the customer by e-mail after</span>
          <div class="period-row">
            {value.email_after.unit !== 'off' && (
              <input
                type="number"
                name="email_after_secs"
                min={0}
                step="any"
                inputMode="decimal"
                aria-label={`Replies by e-mail after (${value.email_after.unit})`}
                value={value.email_after.amount}
                onInput={(e) => set('email_after', { ...value.email_after, amount: e.currentTarget.value })}
                {...invalidProps(errors, 'settings.email_after_secs', 'email-after-help')}
              />
            )}
            <select
              aria-label="Replies by e-mail: unit"
              value={value.email_after.unit}
              onChange={(e) => set('email_after', withUnit(value.email_after, e.currentTarget.value as PeriodUnit))}
            >
              {UNITS.map((u) => (
                <option key={u.value} value={u.value}>
                  {u.label}
                </option>
              ))}
            </select>
          </div>
          <small id="email-after-help">
            The replies a customer has not read by then go to their address in one e-mail. While nobody is online, the widget
            then asks visitors without an address for one.
          </small>
          <FieldError errors={errors} field="settings.email_after_secs" />
          {noEmail && (
            <p class="notice-warn" role="note" data-no-email="">
              This server is not set up to send e-mail, so no reply goes out by e-mail, the widget does not ask for addresses
              and transcripts cannot be sent. Its operator sets up e-mail in the server's configuration.
            </p>
          )}
        </div>
      </fieldset>

      <fieldset class="settings-section" data-retention="">
        <legend>Keeping conversations</legend>
        <label class="field">
          <span>Delete closed conversations after (days; 0 keeps them)</span>
          <input
            type="number"
            name="retention_days"
            min={0}
            max={3650}
            value={value.retention_days}
            onInput={(e) => set('retention_days', e.currentTarget.value)}
            {...invalidProps(errors, 'settings.retention_days', 'retention-help')}
          />
          <small id="retention-help">Their messages are deleted for good, wherever they are kept.</small>
          <FieldError errors={errors} field="settings.retention_days" />
        </label>
      </fieldset>

      <fieldset class="settings-section" data-texts-per-language="">
        <legend>Texts per language</legend>
        <p class="muted small">
          The welcome and offline messages for customers reading another language. Left empty, they get the messages above.
        </p>
        <div class="field">
          <label for="texts-locale" class="label-strong">Language</label>
          <select id="texts-locale" value={textsIn} onChange={(e) => setTextsIn(e.currentTarget.value as Locale)} name="texts_locale">
            {LANGUAGES.map((l) => (
              <option key={l.locale} value={l.locale}>
                {l.name}
                {value.texts[l.locale].welcome_message || value.texts[l.locale].offline_message ? ' ✓' : ''}
              </option>
            ))}
          </select>
        </div>
        <div class="form-grid" dir={textsIn === 'ar' ? 'rtl' : undefined} lang={textsIn}>
          <label class="field">
            <span>Welcome message in {inLanguage}</span>
            <textarea
              name={`texts.${textsIn}.welcome_message`}
              rows={2}
              value={texts.welcome_message}
              onInput={(e) => set('texts', { ...value.texts, [textsIn]: { ...texts, welcome_message: e.currentTarget.value } })}
            />
          </label>
          <label class="field">
            <span>Offline message in {inLanguage}</span>
            <textarea
              name={`texts.${textsIn}.offline_message`}
              rows={2}
              value={texts.offline_message}
              onInput={(e) => set('texts', { ...value.texts, [textsIn]: { ...texts, offline_message: e.currentTarget.value } })}
            />
          </label>
        </div>
        <FieldError errors={errors} field="settings.texts" />
      </fieldset>

      <fieldset class="settings-section" data-prechat-editor="">
        <legend>Before the first message</legend>
        <p class="muted small">What the widget and the app ask a customer before their first message. The answers go to the customer's details.</p>
        <div class="form-grid">
          {(['name', 'email', 'phone'] as const).map((q) => (
            <div class="field" key={q}>
              <label for={`prechat-${q}`} class="label-strong">
                {q === 'name' ? 'Name' : q === 'email' ? 'E-mail' : 'Phone'}
              </label>
              <select id={`prechat-${q}`} name={`prechat.${q}`} value={prechat[q]} onChange={(e) => setPrechat({ [q]: e.currentTarget.value as PrechatAsk })}>
                {ASKS.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
        {prechat.custom.map((c, i) => (
          <div class="question-row" key={i} role="group" aria-label={`Custom question ${i + 1}`} data-question={i}>
            <label class="field">
              <span>Question {i + 1}</span>
              <input
                value={c.label}
                maxLength={60}
                onInput={(e) => {
                  const label = e.currentTarget.value;
                  // The key follows the label until someone edits it.
                  const followed = c.key === keyFromLabel(c.label);
                  setQuestion(i, followed ? { label, key: keyFromLabel(label) } : { label });
                }}
                {...invalidProps(errors, `settings.prechat.custom.${i}.label`)}
              />
              <FieldError errors={errors} field={`settings.prechat.custom.${i}.label`} />
            </label>
            <label class="field">
              <span>Attribute key</span>
              <input
                value={c.key}
                maxLength={32}
                spellcheck={false}
                onInput={(e) => setQuestion(i, { key: e.currentTarget.value })}
                {...invalidProps(errors, `settings.prechat.custom.${i}.key`)}
              />
              <FieldError errors={errors} field={`settings.prechat.custom.${i}.key`} />
            </label>
            <label class="check inline-check">
              <input type="checkbox" checked={c.required} onChange={(e) => setQuestion(i, { required: e.currentTarget.checked })} />
              Required
            </label>
            <button type="button" class="btn btn-danger" onClick={() => setPrechat({ custom: prechat.custom.filter((_, j) => j !== i) })}>
              Remove
            </button>
          </div>
        ))}
        {prechat.custom.length < MAX_CUSTOM_QUESTIONS && (
          <button type="button" class="btn" onClick={() => setPrechat({ custom: [...prechat.custom, { key: '', label: '', required: false }] })}>
            + Question
          </button>
        )}
        <FieldError errors={errors} field="settings.prechat" />
      </fieldset>

      <fieldset class="settings-section" data-allowed-origins="">
        <legend>Sites that may show the widget</legend>
        <label class="field">
          <span>Allowed sites, one per line</span>
          <textarea
            name="allowed_origins"
            rows={3}
            spellcheck={false}
            placeholder="https://shop.example.com"
            value={value.origins}
            onInput={(e) => set('origins', e.currentTarget.value)}
            {...invalidProps(errors, 'settings.allowed_origins', 'origins-help')}
          />
          <small id="origins-help">
            Each as https://host (with :port when not the usual one), at most 20. Empty: any site may show your widget.
          </small>
          <FieldError errors={errors} field="settings.allowed_origins" />
        </label>
      </fieldset>
    </>
  );
}
