import { describe, expect, test } from 'vitest';
import { visitContext } from './visit-context';

const browser = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0', language: 'de-DE', timeZone: 'Europe/Berlin' };

describe('the visit context', () => {
  test('reports the page, where the visitor came from and the browser', () => {
    expect(visitContext({ url: 'https://shop.example/cart?step=2#token=secret', title: 'Your cart', referrer: 'https://search.example/?q=mugs' }, browser)).toEqual({
      page_url: 'https://shop.example/cart?step=2',
      page_title: 'Your cart',
      referrer: 'https://search.example/?q=mugs',
      user_agent: browser.userAgent,
      language: 'de-DE',
      time_zone: 'Europe/Berlin',
    });
  });

  test('leaves out what is empty, not a web address, or not text, and turns control characters into spaces', () => {
    const page = { url: 'javascript:alert(1)', title: 'Tab\tand\nline', referrer: '' };
    expect(visitContext(page, { userAgent: '', language: 'en', timeZone: '' })).toEqual({ page_title: 'Tab and line', language: 'en' });
    expect(visitContext({ url: 42, title: null, referrer: {} } as never, browser).page_url).toBeUndefined();
    expect(visitContext(null, browser)).toEqual({ user_agent: browser.userAgent, language: 'de-DE', time_zone: 'Europe/Berlin' });
  });
});
