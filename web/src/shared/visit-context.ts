// What a customer's browser reports when it opens a conversation, for the agents' customer
// panel: the page they were on, where they came from, the browser (the server reads browser and
// system from the user agent), language and time zone. The widget's window lives in an iframe,
// so the page is the host page as its loader describes it; the customer app reports its own.

import type { ReportedContext } from './types';

/** A page as the person saw it. */
export interface PageInfo {
  url: string;
  title: string;
  referrer: string;
}

export interface BrowserInfo {
  userAgent: string;
  language: string;
  timeZone: string;
}

/** The browser this code runs in. */
export function thisBrowser(): BrowserInfo {
  let timeZone = '';
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    // No Intl time zones: reported as unknown.
  }
  return { userAgent: navigator.userAgent, language: navigator.language, timeZone };
}

/** The page this code runs in (without the fragment, which may hold sign-in tokens). */
export function thisPage(): PageInfo {
  return { url: withoutFragment(location.href), title: document.title, referrer: document.referrer };
}

export function withoutFragment(url: string): string {
  const at = url.indexOf('#');
  return at < 0 ? url : url.slice(0, at);
}

/**
 * The context to send. Control characters become spaces (the server refuses them) and empty
 * values are left out; a page that is not a web address (a message from an odd embedder) is
 * not reported.
 */
export function visitContext(page: PageInfo | null, browser: BrowserInfo): ReportedContext {
  const context: ReportedContext = {};
  const put = (key: keyof ReportedContext, value: unknown, max: number) => {
    if (typeof value !== 'string') return;
    const text = cleanText(value).slice(0, max);
    if (text) context[key] = text;
  };
  if (page) {
    put('page_url', webAddress(page.url), 2000);
    put('page_title', page.title, 300);
    put('referrer', webAddress(page.referrer), 2000);
  }
  put('user_agent', browser.userAgent, 500);
  put('language', browser.language, 35);
  put('time_zone', browser.timeZone, 64);
  return context;
}

function cleanText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function webAddress(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? withoutFragment(url.href) : null;
  } catch {
    return null;
  }
}
