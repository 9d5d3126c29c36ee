// The languages the widget and the customer app speak, and which one a visitor gets: the first
// supported among the site's choice, the browser's languages and the organization's default,
// else English. Pure and tiny: the widget loader uses it too.

export const LOCALES = ['en', 'de', 'fr', 'es', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

/** The supported language of a tag such as `de`, `de-AT` or `AR_eg`, or null. */
export function localeOf(tag: string | null | undefined): Locale | null {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : null;
}

/**
 * The first supported language among the candidates, in order of precedence (the site's
 * choice, then the browser's languages, then the organization's default), else English.
 */
export function chooseLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const tag of candidates) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  return 'en';
}

/** Arabic is written right to left; the others left to right. */
export function dirOf(locale: Locale): 'rtl' | 'ltr' {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

/** Fills `{name}` placeholders; an unknown placeholder stays as it is. */
export function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
