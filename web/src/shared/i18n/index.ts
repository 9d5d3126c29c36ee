// The one way the widget and the customer app put text on screen: t(key, params) in the current
// language. English is built in; another language's catalogue is its own chunk, fetched once by
// setLocale() before its first use. The customer app adds the texts of its own screens
// (addTexts) in the same way, so the widget never loads them. Surfaces that never switch (the
// console) read English.

import type { AppKey } from './app-en';
import { type Key, en } from './en';
import { type Locale, dirOf, fill } from './locales';

export type { Key } from './en';
export { type Locale, LOCALES, chooseLocale, dirOf, localeOf } from './locales';

type Texts = Record<string, string>;

/** A set of texts: English built in, each other language a chunk of its own. */
export interface TextPart {
  en: Texts;
  chunks: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Texts }>>;
}

const parts: TextPart[] = [
  {
    en,
    chunks: {
      de: () => import('./de'),
      fr: () => import('./fr'),
      es: () => import('./es'),
      ar: () => import('./ar'),
    },
  },
];
const loaded: Partial<Record<Locale, Texts>> = { en: { ...en } };
let current: Locale = 'en';
/** setLocale() calls so far. */
let asked = 0;

/** More texts (the customer app's own screens), before the first setLocale(). */
export function addTexts(part: TextPart): void {
  parts.push(part);
  Object.assign(loaded.en!, part.en);
}

/** The text of `key` in the current language, its `{placeholders}` filled. */
export function t(key: Key | AppKey, params?: Record<string, string | number>): string {
  return fill(loaded[current]?.[key] ?? loaded.en![key] ?? key, params);
}

/** The language texts are shown in. */
export function currentLocale(): Locale {
  return current;
}

/**
 * Makes `locale` the current language once its catalogues are here (fetched the first time),
 * and marks the document with its `lang` and `dir`. When they cannot be fetched, the texts stay
 * in the language they were in.
 */
export async function setLocale(locale: Locale, root: HTMLElement | null = document.documentElement): Promise<Locale> {
  const ticket = ++asked;
  if (locale !== 'en' && !loaded[locale]) {
    try {
      const fetched = await Promise.all(parts.map((p) => p.chunks[locale]()));
      loaded[locale] = Object.assign({}, ...fetched.map((m) => m.default));
    } catch {
      return current;
    }
  }
  // A language asked for later wins, even when this one arrived last.
  if (ticket !== asked) return current;
  current = locale;
  if (root) {
    root.lang = locale;
    root.dir = dirOf(locale);
  }
  return locale;
}

/** Only for tests: the chat's catalogue of a language. */
export async function catalogueOf(locale: Locale): Promise<Texts> {
  return locale === 'en' ? en : (await parts[0].chunks[locale]()).default;
}

/** An organization's texts per language (the profile's `texts`), where it has them. */
export interface OrgTexts {
  welcome_message: string;
  offline_message: string;
  texts?: Partial<Record<string, { welcome_message?: string | null; offline_message?: string | null }>> | null;
}

/** The organization's own text in the current language when it wrote one, else its default. */
export function orgText(org: OrgTexts, which: 'welcome_message' | 'offline_message', locale: Locale = current): string {
  return org.texts?.[locale]?.[which]?.trim() || org[which];
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** An English weekday name (as the server says when an organization reopens) in the current language. */
export function weekdayName(english: string, locale: Locale = current): string {
  const index = WEEKDAYS.indexOf(english);
  if (index < 0 || locale === 'en') return english;
  // 2024-01-07 was a Sunday.
  return new Date(Date.UTC(2024, 0, 7 + index)).toLocaleDateString(locale, { weekday: 'long', timeZone: 'UTC' });
}

/**
 * The locale for Intl's dates and times: the browser's own while the texts are English (the
 * console, and visitors whose language is English), else the texts' language; Arabic with
 * the digits the texts use.
 */
export function intlLocale(locale: Locale = current): string | undefined {
  return locale === 'en' ? undefined : locale === 'ar' ? 'ar-u-nu-latn' : locale;
}

/** A number written the current language's way (English: 4,012). */
export function number(n: number, locale: Locale = current): string {
  return n.toLocaleString(intlLocale(locale) ?? 'en-US');
}
