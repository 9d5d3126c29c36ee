// The settings of what customers meet (ratings, replies by e-mail, the pre-chat form, the sites
// that may show the widget, the language and the texts per language) as the form holds them,
// and back as the API takes them. Pure.

import type { FieldErrors } from './FieldError';
import { type PeriodField, MAX_PERIOD_SECS, periodOf, secondsOf } from './settings-periods';
import type { CustomField, Locale, OrganizationDetail, PrechatAsk, PrechatForm, RatingStyle, SettingsInput } from '../shared/types';

export const LANGUAGES: { locale: Locale; name: string; english: string }[] = [
  { locale: 'en', name: 'English', english: 'English' },
  { locale: 'de', name: 'Deutsch (German)', english: 'German' },
  { locale: 'fr', name: 'Français (French)', english: 'French' },
  { locale: 'es', name: 'Español (Spanish)', english: 'Spanish' },
  { locale: 'ar', name: 'العربية (Arabic, right to left)', english: 'Arabic' },
];

export interface LocaleTexts {
  welcome_message: string;
  offline_message: string;
}

export interface CustomerSide {
  rating_style: RatingStyle;
  /** Unread replies go out by e-mail this long after the first one (Off: never). */
  email_after: PeriodField;
  prechat: { name: PrechatAsk; email: PrechatAsk; phone: PrechatAsk; custom: CustomField[] };
  /** One origin per line; empty: any site. */
  origins: string;
  default_locale: Locale;
  texts: Record<Locale, LocaleTexts>;
  /** Days closed conversations are kept ("0": for ever). */
  retention_days: string;
}

/** The server's default wait before replies go out by e-mail. */
const EMAIL_AFTER_DEFAULT = 300;
export const MAX_CUSTOM_QUESTIONS = 5;

export function customerSideOf(org: OrganizationDetail): CustomerSide {
  const s = org.settings;
  const form: PrechatForm = s?.prechat ?? {};
  const saved = (s?.texts ?? {}) as Partial<Record<Locale, Partial<LocaleTexts>>>;
  const texts = {} as Record<Locale, LocaleTexts>;
  for (const { locale } of LANGUAGES) {
    texts[locale] = { welcome_message: saved[locale]?.welcome_message ?? '', offline_message: saved[locale]?.offline_message ?? '' };
  }
  return {
    rating_style: s?.rating_style ?? 'numbers',
    email_after: periodOf(s?.email_after_secs ?? EMAIL_AFTER_DEFAULT),
    prechat: {
      name: form.name ?? 'off',
      email: form.email ?? 'off',
      phone: form.phone ?? 'off',
      custom: (form.custom ?? []).map((c) => ({ ...c })),
    },
    origins: (s?.allowed_origins ?? []).join('\n'),
    default_locale: s?.default_locale ?? 'en',
    texts,
    retention_days: String(s?.retention_days ?? 0),
  };
}

/** `value` is exactly an origin, `http(s)://host[:port]`, as browsers write it. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** The lines of the origins box: trimmed, without empty lines or a trailing slash. */
export function originLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** A custom question's key: a-z, 0-9 and _, at most 32 characters. */
export function isQuestionKey(key: string): boolean {
  return /^[a-z0-9_]{1,32}$/.test(key);
}

/** A key for a new question from its label ("Order number" → "order_number"). */
export function keyFromLabel(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
}

type Sent = Pick<SettingsInput, 'rating_style' | 'email_after_secs' | 'prechat' | 'allowed_origins' | 'default_locale' | 'texts' | 'retention_days'>;

/** The settings to send, or the fields the form finds wrong (by the API's field names). */
export function customerSideSettings(form: CustomerSide): { settings: Sent } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const emailAfter = secondsOf(form.email_after);
  if (emailAfter === null) errors['settings.email_after_secs'] = 'enter a number, or choose Off.';
  else if (emailAfter > MAX_PERIOD_SECS) errors['settings.email_after_secs'] = 'must be at most 30 days.';
  const origins = originLines(form.origins);
  const badOrigin = origins.find((o) => !isOrigin(o));
  if (badOrigin) errors['settings.allowed_origins'] = `"${badOrigin}" is not a site's origin such as https://shop.example.com.`;
  else if (origins.length > 20) errors['settings.allowed_origins'] = 'at most 20 sites.';
  const custom = form.prechat.custom.map((c) => ({ key: c.key.trim(), label: c.label.trim(), required: c.required }));
  custom.forEach((c, i) => {
    if (!c.label) errors[`settings.prechat.custom.${i}.label`] = 'write the question.';
    if (!isQuestionKey(c.key)) errors[`settings.prechat.custom.${i}.key`] = 'use a-z, 0-9 and _ only, at most 32.';
    else if (custom.findIndex((d) => d.key === c.key) !== i) errors[`settings.prechat.custom.${i}.key`] = 'is used by another question.';
  });
  const retention = /^\d+$/.test(form.retention_days.trim()) ? Number(form.retention_days.trim()) : NaN;
  if (!(retention >= 0 && retention <= 3650)) errors['settings.retention_days'] = 'enter 0 (keep for ever) to 3650 days.';
  if (Object.keys(errors).length) return { errors };
  const { name, email, phone } = form.prechat;
  const asks = name !== 'off' || email !== 'off' || phone !== 'off' || custom.length > 0;
  const texts: Record<string, Partial<LocaleTexts>> = {};
  for (const [locale, t] of Object.entries(form.texts)) {
    const kept: Partial<LocaleTexts> = {};
    if (t.welcome_message.trim()) kept.welcome_message = t.welcome_message.trim();
    if (t.offline_message.trim()) kept.offline_message = t.offline_message.trim();
    if (Object.keys(kept).length) texts[locale] = kept;
  }
  return {
    settings: {
      rating_style: form.rating_style,
      email_after_secs: emailAfter ?? 0,
      prechat: asks ? { name, email, phone, custom } : null,
      allowed_origins: origins,
      default_locale: form.default_locale,
      // The document types a free-form object as having no keys.
      texts: texts as Sent['texts'],
      retention_days: retention,
    },
  };
}
