// window.Raasel: the calls a site queued with the inline stub before the loader arrived run in
// order once it is here; both call forms reach the same handlers.

import { describe, expect, test, vi } from 'vitest';
import { type Handlers, createApi, drain, install } from './api';

function recorder() {
  const calls: unknown[][] = [];
  const handlers: Handlers = {
    open: () => calls.push(['open']),
    close: () => calls.push(['close']),
    setUser: (u) => calls.push(['setUser', u]),
    setLocale: (l) => calls.push(['setLocale', l]),
    on: (e, fn) => calls.push(['on', e, fn]),
    off: (e, fn) => calls.push(['off', e, fn]),
  };
  return { calls, handlers };
}

/** The snippet's stub, as a page runs it before the loader. */
function stub(): any {
  const w: any = {};
  w.Raasel = w.Raasel || function (...args: unknown[]) {
    (w.Raasel.q = w.Raasel.q || []).push(args);
  };
  return w;
}

describe('the JavaScript API', () => {
  test('calls queued by the stub run in order once the loader installs the API', () => {
    const w = stub();
    const onMessage = () => undefined;
    w.Raasel('setUser', { external_id: 'u1', identity_hash: 'h' });
    w.Raasel('on', 'message', onMessage);
    w.Raasel('setLocale', 'de');
    w.Raasel('open');
    const { calls, handlers } = recorder();
    expect(install(w, handlers)).toBe(true);
    expect(calls).toEqual([
      ['setUser', { external_id: 'u1', identity_hash: 'h' }],
      ['on', 'message', onMessage],
      ['setLocale', 'de'],
      ['open'],
    ]);
  });

  test('after loading, both forms call the handlers at once', () => {
    const w = stub();
    const { calls, handlers } = recorder();
    install(w, handlers);
    w.Raasel.open();
    w.Raasel('close');
    w.Raasel.setLocale('ar');
    expect(calls).toEqual([['open'], ['close'], ['setLocale', 'ar']]);
  });

  test('a plain array of calls is drained too', () => {
    const { calls, handlers } = recorder();
    const w: any = { Raasel: [['open'], ['setLocale', 'fr']] };
    install(w, handlers);
    expect(calls).toEqual([['open'], ['setLocale', 'fr']]);
  });

  test('a page without the stub gets the API with nothing to run', () => {
    const { calls, handlers } = recorder();
    const w: any = {};
    install(w, handlers);
    expect(calls).toEqual([]);
    expect(typeof w.Raasel.open).toBe('function');
  });

  test('a second loader (another organization on the page) leaves the first one the API', () => {
    const first = recorder();
    const second = recorder();
    const w = stub();
    w.Raasel('open');
    expect(install(w, first.handlers)).toBe(true);
    expect(install(w, second.handlers)).toBe(false);
    w.Raasel.close();
    expect(first.calls).toEqual([['open'], ['close']]);
    expect(second.calls).toEqual([]);
  });

  test('an unknown method is ignored with a warning, the rest still runs', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { calls, handlers } = recorder();
    const api = createApi(handlers);
    drain({ q: [['boot'], ['open']] }, api);
    expect(calls).toEqual([['open']]);
    expect(warn).toHaveBeenCalledWith('Raasel: no method boot');
    warn.mockRestore();
  });
});
