import { afterEach, describe, expect, test, vi } from 'vitest';
import { Api } from '../shared/api';
import type { Agent } from '../shared/types';
import type { AgentAccount } from './account';
import { signInOf, tokenClaims } from './token-claims';
import { TokenKeeper, refreshDelay, refreshDue, singleFlight } from './token-refresh';

const T0 = 1_800_000_000; // Unix seconds
const agent = { id: 'agent-1', name: 'Mia Moss' } as Agent;

/** An unsigned JWT with these claims (base64url, as the server writes them). */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

function account(iat: number, ttl: number, sid = 'device-1'): AgentAccount {
  return { token: jwt({ sub: agent.id, sid, iat, exp: iat + ttl, name: 'Ünïcödé' }), agent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('tokenClaims', () => {
  test('reads the times and the sign-in of a JWT', () => {
    expect(tokenClaims(account(T0, 900).token)).toEqual({ iat: T0, exp: T0 + 900, sub: 'agent-1', sid: 'device-1' });
  });

  test('is null for what is not a JWT with times', () => {
    expect(tokenClaims('opaque-api-token')).toBeNull();
    expect(tokenClaims('a.%%%.c')).toBeNull();
    expect(tokenClaims(jwt({ sub: 'x' }))).toBeNull();
  });

  test('a renewed token is of the same sign-in; signing in again is another', () => {
    const first = account(T0, 900);
    expect(signInOf(agent.id, account(T0 + 840, 900).token)).toBe(signInOf(agent.id, first.token));
    expect(signInOf(agent.id, account(T0, 900, 'device-2').token)).not.toBe(signInOf(agent.id, first.token));
  });
});

describe('refreshDelay', () => {
  test('a 15-minute token is renewed a minute before it expires', () => {
    const claims = { iat: T0, exp: T0 + 900 };
    expect(refreshDelay(claims, T0 * 1000)).toBe(840_000);
    expect(refreshDelay(claims, (T0 + 600) * 1000)).toBe(240_000);
    expect(refreshDelay(claims, (T0 + 839) * 1000 + 500)).toBe(500);
  });

  test('a token living under two minutes is renewed halfway', () => {
    expect(refreshDelay({ iat: T0, exp: T0 + 6 }, T0 * 1000)).toBe(3_000);
    expect(refreshDelay({ iat: T0, exp: T0 + 100 }, (T0 + 10) * 1000)).toBe(40_000);
    // Two minutes exactly: a minute before is halfway.
    expect(refreshDelay({ iat: T0, exp: T0 + 120 }, T0 * 1000)).toBe(60_000);
  });

  test('is 0 once that time came, and for an expired token (the machine slept)', () => {
    const claims = { iat: T0, exp: T0 + 900 };
    expect(refreshDelay(claims, (T0 + 840) * 1000)).toBe(0);
    expect(refreshDelay(claims, (T0 + 3600) * 1000)).toBe(0);
    expect(refreshDue(account(T0, 900).token, (T0 + 3600) * 1000)).toBe(true);
    expect(refreshDue(account(T0, 900).token, (T0 + 60) * 1000)).toBe(false);
  });

  test('plans nothing without an expiry', () => {
    expect(refreshDelay(null, T0 * 1000)).toBeNull();
    expect(refreshDelay({ iat: T0, exp: T0 }, T0 * 1000)).toBeNull();
    expect(refreshDue('opaque-api-token')).toBe(false);
  });
});

describe('singleFlight', () => {
  test('callers while a run is under way share it; the next call runs again', async () => {
    let runs = 0;
    let finish!: (n: number) => void;
    const once = singleFlight(() => {
      runs++;
      return new Promise<number>((resolve) => (finish = resolve));
    });
    const a = once();
    const b = once();
    expect(b).toBe(a);
    expect(runs).toBe(1);
    finish(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    const c = once();
    expect(runs).toBe(2);
    finish(8);
    expect(await c).toBe(8);
  });

  test('a failed run is shared too, and does not stop the next one', async () => {
    let runs = 0;
    const once = singleFlight(async () => {
      runs++;
      if (runs === 1) throw new Error('offline');
      return 'ok';
    });
    const results = await Promise.allSettled([once(), once()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await once()).toBe('ok');
    expect(runs).toBe(2);
  });
});

/** A keeper on a fake clock whose refreshes answer `answers` in turn (null: refused). */
function keeperWith(start: AgentAccount, answers: (AgentAccount | null | Error)[]) {
  const renewed: AgentAccount[] = [];
  let signedOut = 0;
  let asked = 0;
  const keeper = new TokenKeeper(start, {
    onRenewed: (a) => renewed.push(a),
    onSignedOut: () => signedOut++,
    refresh: async () => {
      const next = answers[asked++];
      if (next instanceof Error) throw next;
      return next ?? null;
    },
  });
  const api = new Api('');
  keeper.start(api);
  return { keeper, api, renewed, asked: () => asked, signedOut: () => signedOut };
}

describe('TokenKeeper', () => {
  test('renews on time, hands the token to the REST client and the stored account, and plans the next', async () => {
    vi.useFakeTimers({ now: T0 * 1000 });
    const next = account(T0 + 840, 900);
    const k = keeperWith(account(T0, 900), [next, account(T0 + 1680, 900)]);
    await vi.advanceTimersByTimeAsync(839_000);
    expect(k.asked()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(k.asked()).toBe(1);
    expect(k.keeper.token).toBe(next.token);
    expect(k.api.token).toBe(next.token);
    expect(k.renewed).toEqual([next]);
    await vi.advanceTimersByTimeAsync(840_000);
    expect(k.asked()).toBe(2);
    k.keeper.stop();
  });

  test('requests refused at once share one refresh', async () => {
    vi.useFakeTimers({ now: (T0 + 100) * 1000 });
    const first = account(T0, 900);
    const next = account(T0 + 100, 900);
    const k = keeperWith(first, [next]);
    const tokens = await Promise.all([k.keeper.renew(first.token), k.keeper.renew(first.token), k.keeper.refresh()]);
    expect(tokens).toEqual([next.token, next.token, next.token]);
    expect(k.asked()).toBe(1);
    // A request refused for a token already replaced is sent again with the current one.
    expect(await k.keeper.renew(first.token)).toBe(next.token);
    expect(k.asked()).toBe(1);
    k.keeper.stop();
  });

  test('a refused refresh signs out once; a failed one is tried again later', async () => {
    vi.useFakeTimers({ now: (T0 + 840) * 1000 });
    const k = keeperWith(account(T0, 900), [new Error('offline'), null]);
    await vi.advanceTimersByTimeAsync(0);
    expect(k.asked()).toBe(1);
    expect(k.signedOut()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.asked()).toBe(2);
    expect(k.signedOut()).toBe(1);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(k.asked()).toBe(2);
    expect(k.signedOut()).toBe(1);
  });

  test('learns the server clock from the new token, so a clock ahead does not refresh over and over', async () => {
    // This machine's clock is 20 minutes ahead of the server's.
    const ahead = 1_200;
    vi.useFakeTimers({ now: (T0 + ahead) * 1000 });
    const k = keeperWith(account(T0, 900), [account(T0 + 1, 900), account(T0 + 841, 900)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(k.asked()).toBe(1);
    await vi.advanceTimersByTimeAsync(838_000);
    expect(k.asked()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(k.asked()).toBe(2);
    k.keeper.stop();
  });

  test("the socket's handshake with an expired token waits a while for a refresh that can be made", async () => {
    vi.useFakeTimers({ now: (T0 + 1000) * 1000 });
    const first = account(T0, 900);
    const next = account(T0 + 1010, 900);
    const k = keeperWith(first, [new Error('offline'), new Error('offline'), next]);
    // The planned refresh failed; it is tried again in 10 s.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(k.asked()).toBe(1);
    let sent: string | null = null;
    void k.keeper.handshake().then((token) => (sent = token));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(k.asked()).toBe(2);
    expect(sent).toBeNull();
    // The retry renews it: the handshake goes on at once (before its own pause ends) with the new token.
    await vi.advanceTimersByTimeAsync(100);
    expect(k.asked()).toBe(3);
    expect(sent).toBe(next.token);
    // Not due: the handshake asks for nothing.
    expect(await k.keeper.handshake()).toBe(next.token);
    expect(k.asked()).toBe(3);
    k.keeper.stop();
  });

  test('no refresh to be had, the handshake goes on after its pause with the token it has', async () => {
    vi.useFakeTimers({ now: (T0 + 1000) * 1000 });
    const first = account(T0, 900);
    const k = keeperWith(first, [new Error('offline'), new Error('offline'), new Error('offline')]);
    let sent: string | null = null;
    void k.keeper.handshake().then((token) => (sent = token));
    await vi.advanceTimersByTimeAsync(9_000);
    expect(sent).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toBe(first.token);
    k.keeper.stop();
  });

  test("a token of the browser's newer sign-in serves the workspace, but is not stored as this one's", async () => {
    vi.useFakeTimers({ now: (T0 + 840) * 1000 });
    const other = account(T0 + 840, 900, 'device-2');
    const k = keeperWith(account(T0, 900), [other]);
    await vi.advanceTimersByTimeAsync(0);
    expect(k.keeper.token).toBe(other.token);
    expect(k.api.token).toBe(other.token);
    expect(k.renewed).toEqual([]);
    k.keeper.stop();
  });

  test('stopped (logging out), it plans nothing and tells nothing, but a request under way still gets a token', async () => {
    vi.useFakeTimers({ now: T0 * 1000 });
    const first = account(T0, 900);
    const next = account(T0 + 5, 900);
    const k = keeperWith(first, [next]);
    k.keeper.stop();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(k.asked()).toBe(0);
    expect(await k.keeper.renew(first.token)).toBe(next.token);
    expect(k.api.token).toBe(next.token);
    expect(k.renewed).toEqual([]);
  });
});
