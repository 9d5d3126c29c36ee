import { describe, expect, test } from 'vitest';
import { splitLinks } from './links';

const links = (text: string) => splitLinks(text).filter((p) => p.href).map((p) => p.href);

describe('splitLinks', () => {
  test('finds http and https links and keeps the text around them', () => {
    const parts = splitLinks('See https://example.com/a?b=1&c=2#d and http://x.org too');
    expect(parts).toEqual([
      { text: 'See ' },
      { text: 'https://example.com/a?b=1&c=2#d', href: 'https://example.com/a?b=1&c=2#d' },
      { text: ' and ' },
      { text: 'http://x.org', href: 'http://x.org' },
      { text: ' too' },
    ]);
  });

  test('joined, the parts give the text back', () => {
    const text = 'a https://x.org/1, b (https://y.org/2) c <https://z.org/3>.';
    expect(splitLinks(text).map((p) => p.text).join('')).toBe(text);
  });

  test('trailing punctuation of the sentence is not part of the link', () => {
    expect(links('Go to https://example.com/path.')).toEqual(['https://example.com/path']);
    expect(links('https://example.com, then https://example.org!')).toEqual(['https://example.com', 'https://example.org']);
    expect(links('Really https://example.com/?q=1?!')).toEqual(['https://example.com/?q=1']);
    expect(links('(see https://example.com/a)')).toEqual(['https://example.com/a']);
    expect(links('[https://example.com/a].')).toEqual(['https://example.com/a']);
  });

  test('a bracket the link opened stays in it', () => {
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar).')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)']);
  });

  test('other schemes never become links', () => {
    expect(links('javascript:alert(1)')).toEqual([]);
    expect(links('JavaScript://example.com/%0Aalert(1)')).toEqual([]);
    expect(links('data:text/html,<script>alert(1)</script>')).toEqual([]);
    expect(links('ftp://example.com/file mailto:a@b.c www.example.com')).toEqual([]);
  });

  test('a scheme glued to a word is not a link', () => {
    expect(links('xhttps://example.com')).toEqual([]);
  });

  test('markup stays text, and quotes or angle brackets end a link', () => {
    expect(splitLinks('<b>bold</b>')).toEqual([{ text: '<b>bold</b>' }]);
    expect(links('<a href="https://evil.test/x">x</a>')).toEqual(['https://evil.test/x']);
    expect(links("'https://example.com/a'")).toEqual(['https://example.com/a']);
  });

  test('a scheme with no host is text', () => {
    expect(links('http:// and https://')).toEqual([]);
  });

  test('text without links is one part; empty text none', () => {
    expect(splitLinks('hello')).toEqual([{ text: 'hello' }]);
    expect(splitLinks('')).toEqual([]);
  });
});
