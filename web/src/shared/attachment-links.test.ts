import { describe, expect, test } from 'vitest';
import { LinkCache } from './attachment-links';
import type { AttachmentLink } from './attachments';

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** A link server whose links last five minutes from "now", counting the requests. */
function setup() {
  let now = T0;
  const asked: string[] = [];
  let fail = false;
  const cache = new LinkCache(
    async (id) => {
      asked.push(id);
      if (fail) throw new Error('refused');
      const link: AttachmentLink = {
        url: `/api/files/${id}?n=${asked.length}`,
        thumbnail_url: null,
        expires_at: new Date(now + 5 * 60_000).toISOString(),
      };
      return link;
    },
    () => now,
  );
  return {
    cache,
    asked,
    advance: (ms: number) => (now += ms),
    failNext: (value: boolean) => (fail = value),
  };
}

describe('LinkCache', () => {
  test('a link is asked for once and kept until shortly before it expires', async () => {
    const { cache, asked, advance } = setup();
    expect(cache.fresh('a')).toBeNull();
    const first = await cache.get('a');
    expect(await cache.get('a')).toBe(first);
    expect(cache.fresh('a')).toBe(first);
    advance(4 * 60_000);
    expect(await cache.get('a')).toBe(first);
    expect(asked).toEqual(['a']);
    // 30 seconds before it expires it is no longer handed out.
    advance(31_000);
    expect(cache.fresh('a')).toBeNull();
    const second = await cache.get('a');
    expect(second.url).not.toBe(first.url);
    expect(asked).toEqual(['a', 'a']);
  });

  test('callers asking at the same time share one request', async () => {
    const { cache, asked } = setup();
    const [x, y, z] = await Promise.all([cache.get('a'), cache.get('a'), cache.get('b')]);
    expect(x).toBe(y);
    expect(z.url).toContain('/api/files/b');
    expect(asked.sort()).toEqual(['a', 'b']);
  });

  test('a failed request is not kept: the next caller asks again', async () => {
    const { cache, asked, failNext } = setup();
    failNext(true);
    await expect(cache.get('a')).rejects.toThrow('refused');
    failNext(false);
    expect((await cache.get('a')).url).toContain('/api/files/a');
    expect(asked).toEqual(['a', 'a']);
  });

  test('a forgotten link (it stopped working) is asked for afresh', async () => {
    const { cache, asked } = setup();
    await cache.get('a');
    cache.forget('a');
    expect(cache.fresh('a')).toBeNull();
    await cache.get('a');
    expect(asked).toEqual(['a', 'a']);
  });

  test('a link with an unreadable expiry is used once but never kept', async () => {
    const cache = new LinkCache(async () => ({ url: '/api/files/x', thumbnail_url: null, expires_at: 'soon' }));
    expect((await cache.get('x')).url).toBe('/api/files/x');
    expect(cache.fresh('x')).toBeNull();
  });
});
