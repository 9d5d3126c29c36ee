// Admins edit the organization (name, domain, widget colour, messages, capacity, identity
// secret, the conversation periods, business hours, the team rules, what customers meet: rating,
// replies by e-mail, languages and texts, pre-chat questions, allowed sites; files; whether agents
// sign in with a second factor) and copy the widget's embed snippet. The server's problems show
// next to the fields they name. Loaded when first opened.

import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, errorText } from '../shared/api';
import type { OrganizationDetail } from '../shared/types';
import { BusinessHoursEditor } from './BusinessHoursEditor';
import { CustomerSideFields } from './CustomerSideFields';
import { customerSideOf, customerSideSettings } from './customer-side';
import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { FileSettingsFields, useFileUsage } from './FileSettingsFields';
import { fileFormOf, fileSettingsInput } from './file-settings';
import { type PeriodKey, PeriodFields, type Periods } from './PeriodFields';
import { type HoursForm, browserZone, businessHoursOf, hoursFormOf } from './business-hours';
import { IDENTITY_SECRET_MIN, generateIdentitySecret } from './secret';
import { SignInSettingsFields } from './SignInSettingsFields';
import { TeamSettingsFields, teamRulesOf } from './TeamSettingsFields';
import { periodOf, secondsOf } from './settings-periods';
import type { Workspace } from './workspace';
import './settings.css';

interface Form {
  name: string;
  domain: string;
  widget_color: string;
  welcome_message: string;
  offline_message: string;
  max_concurrent_sessions: string;
  widget_identity_secret: string;
}

const PERIOD_KEYS: PeriodKey[] = ['reopen_window_secs', 'auto_resolve_after_secs', 'answer_deadline_secs'];

function periodsOf(org: OrganizationDetail): Periods {
  const s = org.settings;
  return {
    reopen_window_secs: periodOf(s?.reopen_window_secs),
    auto_resolve_after_secs: periodOf(s?.auto_resolve_after_secs),
    answer_deadline_secs: periodOf(s?.answer_deadline_secs),
  };
}

/** The periods in seconds, or the fields whose amount is not a number. */
function periodSeconds(periods: Periods): { secs: Record<PeriodKey, number> } | { errors: FieldErrors } {
  const secs = {} as Record<PeriodKey, number>;
  const errors: FieldErrors = {};
  for (const key of PERIOD_KEYS) {
    const n = secondsOf(periods[key]);
    if (n === null) errors[`settings.${key}`] = 'Enter a number, or choose Off.';
    else secs[key] = n;
  }
  return Object.keys(errors).length ? { errors } : { secs };
}

function formOf(org: OrganizationDetail): Form {
  const s = org.settings;
  return {
    name: org.name,
    domain: org.domain,
    widget_color: s?.widget_color ?? org.widget_color,
    welcome_message: s?.welcome_message ?? org.welcome_message,
    offline_message: s?.offline_message ?? org.offline_message,
    max_concurrent_sessions: String(s?.max_concurrent_sessions ?? 5),
    widget_identity_secret: s?.widget_identity_secret ?? '',
  };
}

export function SettingsAdmin({ api, workspace }: { api: Api; workspace: Workspace }) {
  const org = workspace.org;
  if (!org) return <p aria-busy="true">Loading…</p>;
  return (
    <div class="admin">
      <h1>Organization settings</h1>
      <SettingsForm key={org.id} api={api} workspace={workspace} org={org} />
      <EmbedSnippet domain={org.domain} />
    </div>
  );
}

function SettingsForm({ api, workspace, org }: { api: Api; workspace: Workspace; org: OrganizationDetail }) {
  const [form, setForm] = useState(() => formOf(org));
  const [periods, setPeriods] = useState(() => periodsOf(org));
  const [hours, setHours] = useState<HoursForm>(() => hoursFormOf(org.settings?.business_hours, browserZone()));
  const [teamRules, setTeamRules] = useState(() => teamRulesOf(org));
  const [customerSide, setCustomerSide] = useState(() => customerSideOf(org));
  const [files, setFiles] = useState(() => fileFormOf(org));
  const [secondFactor, setSecondFactor] = useState(() => org.settings?.require_second_factor ?? false);
  const fileUsage = useFileUsage(api);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (key: keyof Form) => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  const bad = (field: string, describedBy?: string) => invalidProps(errors, field, describedBy);

  // After a refused save, the first field with a problem gets the focus.
  useEffect(() => {
    if (Object.keys(errors).length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  function refuse(fields: FieldErrors) {
    setErrors(fields);
    setStatus({ ok: false, text: `Not saved: check the marked ${Object.keys(fields).length === 1 ? 'field' : 'fields'}.` });
  }

  async function save(e: Event) {
    e.preventDefault();
    setStatus(null);
    const timing = periodSeconds(periods);
    const side = customerSideSettings(customerSide);
    const fileChoices = fileSettingsInput(files, fileUsage.usage?.max_file_bytes_limit ?? null);
    if ('errors' in timing || 'errors' in side || 'errors' in fileChoices) {
      refuse({
        ...('errors' in timing ? timing.errors : {}),
        ...('errors' in side ? side.errors : {}),
        ...('errors' in fileChoices ? fileChoices.errors : {}),
      });
      return;
    }
    setErrors({});
    const businessHours = businessHoursOf(hours);
    try {
      const { organization } = await api.updateOrganization(org.id, {
        name: form.name,
        domain: form.domain,
        settings: {
          widget_color: form.widget_color,
          welcome_message: form.welcome_message,
          offline_message: form.offline_message,
          max_concurrent_sessions: Number(form.max_concurrent_sessions),
          widget_identity_secret: form.widget_identity_secret,
          ...timing.secs,
          ...teamRules,
          ...side.settings,
          ...fileChoices.settings,
          require_second_factor: secondFactor,
          business_hours: businessHours,
        },
      });
      workspace.setOrganization(organization);
      setCustomerSide(customerSideOf(organization));
      setFiles(fileFormOf(organization));
      setSecondFactor(organization.settings?.require_second_factor ?? false);
      setPeriods(periodsOf(organization));
      setTeamRules(teamRulesOf(organization));
      setHours(hoursFormOf(organization.settings?.business_hours, browserZone()));
      // The answer is the truth: hours asked off but still there are not reported as saved.
      if (businessHours === null && organization.settings?.business_hours) {
        setStatus({ ok: false, text: 'Saved, but the business hours are still on: the server did not turn them off.' });
      } else setStatus({ ok: true, text: 'Saved.' });
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) refuse(err.fields);
      else setStatus({ ok: false, text: errorText(err) });
    }
  }

  return (
    <form ref={formRef} class="settings-form" onSubmit={save} aria-label="Organization settings">
      <div class="form-grid">
        <label class="field">
          <span>Name</span>
          <input name="name" value={form.name} onInput={set('name')} required {...bad('name')} />
          <FieldError errors={errors} field="name" />
        </label>
        <label class="field">
          <span>Domain</span>
          <input name="domain" value={form.domain} onInput={set('domain')} required {...bad('domain', 'domain-help')} />
          <small id="domain-help">The directory key, and what the widget's data-organization names.</small>
          <FieldError errors={errors} field="domain" />
        </label>
        <div class="field">
          <span id="color-label">Widget colour</span>
          <div class="color-row">
            <input type="color" aria-labelledby="color-label" value={form.widget_color} onInput={set('widget_color')} />
            <input
              name="widget_color"
              aria-label="Widget colour (hex)"
              value={form.widget_color}
              onInput={set('widget_color')}
              pattern="#[0-9a-fA-F]{6}"
              {...bad('settings.widget_color')}
            />
          </div>
          <FieldError errors={errors} field="settings.widget_color" />
        </div>
        <label class="field">
          <span>Capacity per agent</span>
          <input
            type="number"
            name="max_concurrent_sessions"
            min={1}
            max={100}
            value={form.max_concurrent_sessions}
            onInput={set('max_concurrent_sessions')}
            {...bad('settings.max_concurrent_sessions', 'capacity-help')}
          />
          <small id="capacity-help">Conversations at once, unless an agent has their own.</small>
          <FieldError errors={errors} field="settings.max_concurrent_sessions" />
        </label>
      </div>
      <label class="field">
        <span>Welcome message</span>
        <textarea name="welcome_message" rows={2} value={form.welcome_message} onInput={set('welcome_message')} {...bad('settings.welcome_message')} />
        <FieldError errors={errors} field="settings.welcome_message" />
      </label>
      <label class="field">
        <span>Offline message</span>
        <textarea
          name="offline_message"
          rows={2}
          value={form.offline_message}
          onInput={set('offline_message')}
          {...bad('settings.offline_message', 'offline-help')}
        />
        <small id="offline-help">Shown to customers when no agent is online, and outside business hours.</small>
        <FieldError errors={errors} field="settings.offline_message" />
      </label>
      <div class="field">
        <label for="identity-secret">
          <span class="label-strong">Identity secret</span>
        </label>
        <div class="color-row">
          <input
            id="identity-secret"
            name="widget_identity_secret"
            value={form.widget_identity_secret}
            onInput={set('widget_identity_secret')}
            autocomplete="off"
            spellcheck={false}
            {...bad('settings.widget_identity_secret', 'identity-secret-help')}
          />
          <button type="button" class="btn" onClick={() => setForm({ ...form, widget_identity_secret: generateIdentitySecret() })}>
            Generate
          </button>
        </div>
        <small id="identity-secret-help">
          At least {IDENTITY_SECRET_MIN} characters (at most 256), no spaces; Generate makes 64 random hex digits.
          With a secret, a visitor presenting data-external-id must also present data-identity-hash =
          hex(HMAC-SHA256(secret, external id)), computed by your server. Leave empty to turn it off.
        </small>
        <FieldError errors={errors} field="settings.widget_identity_secret" />
      </div>
      <PeriodFields periods={periods} errors={errors} onChange={setPeriods} />
      <BusinessHoursEditor hours={hours} errors={errors} onChange={setHours} />
      <TeamSettingsFields rules={teamRules} onChange={setTeamRules} />
      <CustomerSideFields value={customerSide} errors={errors} onChange={setCustomerSide} org={org} />
      <FileSettingsFields value={files} errors={errors} onChange={setFiles} usage={fileUsage.usage} usageError={fileUsage.error} />
      <SignInSettingsFields required={secondFactor} errors={errors} onChange={setSecondFactor} />
      {status && (
        <p class={status.ok ? 'ok-text' : 'error-text'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      <button type="submit" class="btn btn-primary">
        Save settings
      </button>
    </form>
  );
}

function EmbedSnippet({ domain }: { domain: string }) {
  const snippet = `<script src="${location.origin}/widget.js" data-organization="${domain}" async></script>`;
  const [copied, setCopied] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied('Copied to the clipboard.');
    } catch {
      const area = document.getElementById('embed-snippet') as HTMLTextAreaElement | null;
      area?.select();
      setCopied(document.execCommand('copy') ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C to copy.');
    }
  }

  return (
    <section class="embed" aria-labelledby="embed-title">
      <h2 id="embed-title">Widget embed snippet</h2>
      <p class="muted">Paste this into every page of your website, before &lt;/body&gt;.</p>
      <label class="sr-only" for="embed-snippet">
        Embed snippet
      </label>
      <textarea id="embed-snippet" class="snippet" readOnly rows={3} value={snippet} />
      <div class="row-actions">
        <button type="button" class="btn btn-primary" onClick={() => void copy()}>
          Copy snippet
        </button>
        <span role="status" class="muted">
          {copied}
        </span>
      </div>
      <p class="muted small">
        For signed-in users of your site, add data-external-id="USER ID" and data-identity-hash="HASH" so they keep one
        history across devices.
      </p>
    </section>
  );
}
