import { describe, expect, test } from 'vitest';
import { asOrigin, originOfUrl, verifiedParent } from './embedder';
import { readParams } from './params';

const SHOP = 'https://shop.example.com';

/** What the browser says when SHOP framed the window through the loader. */
const fromShop = { referrer: `${SHOP}/`, ancestorOrigins: [SHOP] };

describe('verifiedParent', () => {
  test('accepts the origin the referrer and the first ancestor confirm', () => {
    expect(verifiedParent(SHOP, fromShop)).toBe(SHOP);
    expect(verifiedParent('http://localhost:5173', { referrer: 'http://localhost:5173/' })).toBe('http://localhost:5173');
    expect(verifiedParent('http://127.0.0.1:8080', { referrer: 'http://127.0.0.1:8080/demo?x=1#y', ancestorOrigins: ['http://127.0.0.1:8080', SHOP] })).toBe(
      'http://127.0.0.1:8080',
    );
  });

  test('accepts it without ancestor origins where the browser has none', () => {
    expect(verifiedParent(SHOP, { referrer: `${SHOP}/`, ancestorOrigins: undefined })).toBe(SHOP);
    expect(verifiedParent(SHOP, { referrer: `${SHOP}/`, ancestorOrigins: null })).toBe(SHOP);
  });

  test("refuses '*'", () => {
    expect(verifiedParent('*', fromShop)).toBeNull();
    expect(verifiedParent('*', { referrer: '*' })).toBeNull();
  });

  test('refuses a missing parent', () => {
    expect(verifiedParent(undefined, fromShop)).toBeNull();
    expect(verifiedParent(null, fromShop)).toBeNull();
    expect(verifiedParent('', fromShop)).toBeNull();
    expect(verifiedParent(readParams('?org=sample.com').parent, fromShop)).toBeNull();
  });

  test('refuses a malformed parent', () => {
    for (const parent of [
      'shop.example.com',
      `${SHOP}/`,
      `${SHOP}/page`,
      `${SHOP}?x`,
      'https://user@shop.example.com',
      'HTTPS://SHOP.EXAMPLE.COM',
      'https://shop.example.com:443',
      'javascript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
      'null',
      ' https://shop.example.com',
      'https://',
    ]) {
      expect(verifiedParent(parent, { referrer: `${SHOP}/`, ancestorOrigins: [SHOP] }), parent).toBeNull();
    }
  });

  test('refuses a parent the referrer does not confirm', () => {
    expect(verifiedParent(SHOP, { referrer: 'https://evil.example.com/' })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: 'http://shop.example.com/' })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: 'https://shop.example.com:8443/' })).toBeNull();
    expect(verifiedParent('http://127.0.0.1:8080', { referrer: 'http://127.0.0.1:8081/' })).toBeNull();
    expect(verifiedParent('http://127.0.0.1:8080', { referrer: 'http://localhost:8080/' })).toBeNull();
  });

  test('refuses when there is no referrer (a page hiding it) or it is not http(s)', () => {
    expect(verifiedParent(SHOP, { referrer: '' })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: '', ancestorOrigins: [SHOP] })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: 'about:blank' })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: 'not a url' })).toBeNull();
  });

  test('refuses when the first ancestor origin differs from the referrer', () => {
    expect(verifiedParent(SHOP, { referrer: `${SHOP}/`, ancestorOrigins: ['https://evil.example.com', SHOP] })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: `${SHOP}/`, ancestorOrigins: ['null'] })).toBeNull();
    expect(verifiedParent(SHOP, { referrer: `${SHOP}/`, ancestorOrigins: [] })).toBeNull();
  });

  test("with an organization's allowed origins, refuses other embedders", () => {
    expect(verifiedParent(SHOP, fromShop, [SHOP, 'https://www.example.com'])).toBe(SHOP);
    expect(verifiedParent(SHOP, fromShop, ['https://www.example.com'])).toBeNull();
    expect(verifiedParent(SHOP, fromShop, [])).toBe(SHOP);
  });
});

describe('origins', () => {
  test('asOrigin takes only an exact http(s) origin', () => {
    expect(asOrigin(SHOP)).toBe(SHOP);
    expect(asOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    expect(asOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(asOrigin('*')).toBeNull();
    expect(asOrigin(`${SHOP}/`)).toBeNull();
    expect(asOrigin('ftp://shop.example.com')).toBeNull();
  });

  test('originOfUrl reads the origin of an http(s) URL', () => {
    expect(originOfUrl(`${SHOP}/cart?id=1`)).toBe(SHOP);
    expect(originOfUrl('about:srcdoc')).toBeNull();
    expect(originOfUrl('')).toBeNull();
  });

  test('readParams reads the team a site chose, empty when it chose none', () => {
    expect(readParams('?org=sample.com&team=Sales%20EMEA').team).toBe('Sales EMEA');
    expect(readParams('?org=sample.com').team).toBe('');
  });

  test('readParams leaves a missing parent empty rather than *', () => {
    expect(readParams('?org=Sample.com&parent=https%3A%2F%2Fshop.example.com').parent).toBe(SHOP);
    expect(readParams('?org=sample.com').parent).toBe('');
  });
});
