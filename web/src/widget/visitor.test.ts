// The frame's stored visitor is per embedding origin: pages of one site share the frame's
// storage, so a page of another origin must not find the visitor of the shop's page.

import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { visitorKey } from '../shared/widget-protocol';
import type { Client } from '../shared/types';
import { type WidgetParams, readParams } from './params';

const SHOP = 'http://127.0.0.1:8080';
const OTHER = 'http://127.0.0.1:9090';
const params: WidgetParams = { ...readParams('?org=sample.com'), parent: SHOP };
/** A visitor as `POST /api/widget/visitors` answers it. */
function client(id: string): Client {
  return { id, username: null, email: null, name: null, organization_id: 'org', external_id: null, created_at: '2026-01-01T00:00:00Z' };
}
const alice = { token: 'alice-token', client: client('alice') };
const bob = { token: 'bob-token', client: client('bob') };

/** An in-memory localStorage. */
class MemoryStorage {
  items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, String(v));
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

let storage: MemoryStorage;
const store = () => storage as unknown as Storage;
let visitor: typeof import('./visitor');

beforeAll(async () => {
  // bridge.ts reads `window` when loaded: a window that is its own parent (not framed).
  const win: { parent?: unknown } = {};
  win.parent = win;
  vi.stubGlobal('window', win);
  visitor = await import('./visitor');
});

afterAll(() => {
  vi.unstubAllGlobals();
});

beforeEach(() => {
  storage = new MemoryStorage();
});

describe('visitorKey', () => {
  test('differs per embedding origin, organization and site user', () => {
    const keys = new Set([
      visitorKey('sample.com', '', SHOP),
      visitorKey('sample.com', '', OTHER),
      visitorKey('other.com', '', SHOP),
      visitorKey('sample.com', 'user-1', SHOP),
    ]);
    expect(keys.size).toBe(4);
  });

  test('no two triples share a key, and none is a former (origin-less) key', () => {
    expect(visitorKey('a.b', 'c', SHOP)).not.toBe(visitorKey('a', 'b.c', SHOP));
    expect(visitorKey('a:b', 'c', SHOP)).not.toBe(visitorKey('a', 'b:c', SHOP));
    expect(visitorKey('sample.com', '', SHOP).startsWith('raasel.visitor.')).toBe(false);
  });
});

describe('frameStore', () => {
  test('keeps one visitor per embedding origin', () => {
    visitor.frameStore(params, SHOP, store)!.save(alice);
    expect(visitor.frameStore(params, SHOP, store)!.load()).toEqual(alice);
    expect(visitor.frameStore(params, OTHER, store)!.load()).toBeNull();
    visitor.frameStore(params, OTHER, store)!.save(bob);
    expect(visitor.frameStore(params, SHOP, store)!.load()).toEqual(alice);
    expect(visitor.frameStore(params, OTHER, store)!.load()).toEqual(bob);
  });

  test('never reads the former key, and drops it', () => {
    storage.setItem('raasel.visitor.sample.com.', JSON.stringify(alice));
    const own = visitor.frameStore(params, OTHER, store)!;
    expect(own.load()).toBeNull();
    expect(storage.getItem('raasel.visitor.sample.com.')).toBeNull();
  });

  test('is null when the browser blocks storage', () => {
    const blocked = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    expect(visitor.frameStore(params, SHOP, blocked)).toBeNull();
    const throwing = Object.assign(new MemoryStorage(), {
      setItem() {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    });
    expect(visitor.frameStore(params, SHOP, () => throwing as unknown as Storage)).toBeNull();
  });
});

describe('openVisitorStore', () => {
  const never = new Promise<string | null>(() => undefined);

  test("uses the frame's own visitor without waiting for the loader", async () => {
    const own = visitor.frameStore(params, SHOP, store)!;
    own.save(alice);
    const opened = await visitor.openVisitorStore(own, SHOP, never);
    expect(opened.load()).toEqual(alice);
  });

  test("moves the loader's kept visitor into the frame's storage when it has none", async () => {
    const own = visitor.frameStore(params, SHOP, store)!;
    const opened = await visitor.openVisitorStore(own, SHOP, Promise.resolve(JSON.stringify(alice)));
    expect(opened.load()).toEqual(alice);
    expect(storage.getItem(visitorKey('sample.com', '', SHOP))).toBe(JSON.stringify(alice));
    // Later starts use it even when the loader hands over nothing.
    expect((await visitor.openVisitorStore(visitor.frameStore(params, SHOP, store)!, SHOP, Promise.resolve(null))).load()).toEqual(alice);
  });

  test("prefers the frame's own visitor to the loader's copy", async () => {
    const own = visitor.frameStore(params, SHOP, store)!;
    own.save(bob);
    expect((await visitor.openVisitorStore(own, SHOP, Promise.resolve(JSON.stringify(alice)))).load()).toEqual(bob);
  });

  test('starts empty when neither has one (or the loader stays silent)', async () => {
    const own = visitor.frameStore(params, SHOP, store)!;
    expect((await visitor.openVisitorStore(own, SHOP, Promise.resolve(null))).load()).toBeNull();
    expect((await visitor.openVisitorStore(own, SHOP, Promise.resolve('not json'))).load()).toBeNull();
    expect(storage.length).toBe(0);
  });

  test("uses the loader's copy when the frame's storage is blocked", async () => {
    const opened = await visitor.openVisitorStore(null, SHOP, Promise.resolve(JSON.stringify(alice)));
    expect(opened.load()).toEqual(alice);
    opened.save(bob);
    expect(opened.load()).toEqual(bob);
    expect(storage.length).toBe(0);
  });
});
