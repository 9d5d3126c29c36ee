// Keeps the console's agent signed in while their access token lives minutes only: a new token
// from POST /api/agents/refresh (the browser sends the sign-in's HttpOnly cookie) a minute before
// the current one expires, or halfway through a shorter life, and again when the page comes back
// after the machine slept. Each new token goes to the REST client, to the stored account (without
// a new workspace) and to the open socket (`renew_token`); the socket's reconnects carry the
// current one. A request or a socket refused for its token asks for a new one first; only when
// the refresh itself is refused is the agent signed out. One refresh at a time: callers meanwhile
// share it.

import { Api, ApiError } from '../shared/api';
import type { Connection } from '../shared/connection';
import type { AgentAccount } from './account';
import { type TokenClaims, tokenClaims } from './token-claims';

/** How long before its expiry a token is renewed (a shorter-lived one: halfway). */
const LEAD_MS = 60_000;
/** A refresh that failed for now (offline, the server busy) is tried again after this. */
const RETRY_MS = 10_000;
/** The timer looks again after this at the latest (timers stop while the machine sleeps). */
const MAX_WAIT_MS = 10 * 60_000;
const ACK_TIMEOUT_MS = 10_000;

/**
 * Milliseconds from `now` (Unix ms) until the token should be renewed: a minute before it
 * expires, halfway through its life when that is under two minutes; 0 when that time has come
 * (or the token expired). Null when the token has no expiry to plan for.
 */
export function refreshDelay(claims: Pick<TokenClaims, 'iat' | 'exp'> | null, now: number): number | null {
  if (!claims || !(claims.exp > claims.iat)) return null;
  const life = (claims.exp - claims.iat) * 1000;
  const lead = life < 2 * LEAD_MS ? life / 2 : LEAD_MS;
  return Math.max(0, claims.exp * 1000 - lead - now);
}

/** Whether the token is due for renewal at `now` (Unix ms). */
export function refreshDue(token: string, now = Date.now()): boolean {
  return refreshDelay(tokenClaims(token), now) === 0;
}

/** `run`, one call at a time: a call while one is under way gets that one's result. */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => (pending ??= run().finally(() => (pending = null)));
}

/**
 * A new token for the sign-in of the browser's refresh cookie: the account, or null when the
 * server refused (the sign-in ended). Throws when the server could not be asked.
 */
export async function refreshSignIn(): Promise<AgentAccount | null> {
  try {
    // No bearer token: a refusal here is this call's answer, not a refused token.
    const { token, agent } = await new Api('').call('post', '/api/agents/refresh');
    return { token, agent };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export interface TokenKeeperOptions {
  /** A new token (and the agent as of now): kept in the stored account. */
  onRenewed(account: AgentAccount): void;
  /** The refresh was refused: the sign-in ended. */
  onSignedOut(): void;
  /** Asks the server for a new token (tests give their own). */
  refresh?: () => Promise<AgentAccount | null>;
  /** This machine's clock (Unix ms). */
  now?: () => number;
}

export class TokenKeeper {
  private account: AgentAccount;
  /** The sign-in (device) this keeper renews the tokens of. */
  private readonly signIn: string | undefined;
  private api: Api | null = null;
  private connection: Connection | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The server's clock minus this machine's (ms), learnt from each new token's `iat`. */
  private skew = 0;
  /** The newest token the socket was given (its handshake, or `renew_token`). */
  private socketToken: string | null = null;
  /** A token fetched because the socket was refused: refused too, the sign-in is over. */
  private retryToken: string | null = null;
  /** Ends the pause of a handshake waiting for a refresh that could not be made. */
  private wakeHandshake: (() => void) | null = null;
  private readonly now: () => number;
  private readonly fetchAccount: () => Promise<AgentAccount | null>;
  /** A new token (null: the sign-in ended, and the agent is signed out); throws when offline. */
  readonly refresh: () => Promise<string | null>;

  constructor(
    account: AgentAccount,
    private readonly opts: TokenKeeperOptions,
  ) {
    this.account = account;
    this.signIn = tokenClaims(account.token)?.sid;
    this.now = opts.now ?? Date.now;
    this.fetchAccount = opts.refresh ?? refreshSignIn;
    this.refresh = singleFlight(() => this.fetchToken());
  }

  get token(): string {
    return this.account.token;
  }

  /** Keeps `api` and the socket of `connection` (opened with `handshake` and `socketRefused`) signed in. */
  start(api: Api, connection?: Connection): void {
    this.api = api;
    api.token = this.token;
    api.renewToken = this.renew;
    api.onUnauthorized = () => this.signOut();
    if (connection) {
      this.connection = connection;
      connection.socket.on('connect', this.onConnect);
    }
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule();
  }

  /** No more renewals planned and no more news (logging out, leaving the workspace). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.reconnectTimer);
    this.connection?.socket.off('connect', this.onConnect);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /**
   * For the REST client: a token newer than the refused one (renewing when it is the current
   * one), or null when the sign-in ended.
   */
  readonly renew = (refused: string): Promise<string | null> =>
    refused === this.token ? this.refresh() : Promise.resolve(this.token);

  /** The token for the socket's handshake: renewed first when due. Never rejects. */
  readonly handshake = async (): Promise<string> => {
    if (this.due()) {
      const renewed = await this.refresh().catch(() => undefined);
      // Expired and no refresh to be had now: the server may take the token for a moment and
      // close the socket at once, over and over. A pause first (ended by a renewal).
      if (renewed === undefined && this.expired() && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          this.wakeHandshake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeHandshake = null;
      }
    }
    this.socketToken = this.token;
    return this.token;
  };

  /** The socket's handshake was refused for its token: renew it and connect again. */
  readonly socketRefused = (): void => {
    if (this.stopped) return;
    const refused = this.socketToken;
    if (refused !== null && refused === this.retryToken) {
      this.signOut();
      return;
    }
    this.renew(refused ?? this.token).then(
      (token) => {
        if (!token || this.stopped) return;
        this.retryToken = token;
        this.connection?.socket.connect();
      },
      () => {
        if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connection?.socket.connect(), RETRY_MS);
      },
    );
  };

  private due(): boolean {
    return refreshDelay(tokenClaims(this.token), this.now() + this.skew) === 0;
  }

  private expired(): boolean {
    const claims = tokenClaims(this.token);
    return claims !== null && claims.exp * 1000 <= this.now() + this.skew;
  }

  private async fetchToken(): Promise<string | null> {
    const next = await this.fetchAccount();
    if (!next) {
      this.signOut();
      return null;
    }
    this.adopt(next);
    return next.token;
  }

  private adopt(next: AgentAccount): void {
    const claims = tokenClaims(next.token);
    if (claims) this.skew = claims.iat * 1000 - this.now();
    this.account = next;
    if (this.api) this.api.token = next.token;
    // Stopped (logging out), the token still serves a request under way; nothing else.
    if (this.stopped) return;
    // The browser's cookie may be of a newer sign-in (in another tab, or a second factor just
    // turned on here): its token serves this workspace meanwhile, but the stored account is
    // that sign-in's to write.
    if (claims?.sid === this.signIn) this.opts.onRenewed(next);
    this.wakeHandshake?.();
    this.renewSocket();
    this.schedule();
  }

  /** Hands the current token to the connected socket, so the server does not close it. */
  private renewSocket(): void {
    const socket = this.connection?.socket;
    const token = this.token;
    if (!socket?.connected || this.socketToken === token) return;
    this.connection!.port.request<{ expires_at: number }>('renew_token', { token }, ACK_TIMEOUT_MS).then(
      (ack) => {
        if (ack.ok) this.socketToken = token;
        // Not taken (a token of another sign-in): a new handshake with the current one decides.
        else if (!this.stopped && socket.connected) socket.disconnect().connect();
      },
      // No answer: the socket went; its reconnect's handshake carries the current token.
      () => undefined,
    );
  }

  private readonly onConnect = (): void => {
    this.retryToken = null;
    // Renewed while the handshake was on its way.
    this.renewSocket();
  };

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.tick();
  };

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const wait = refreshDelay(tokenClaims(this.token), this.now() + this.skew);
    if (wait !== null) this.timer = setTimeout(() => this.tick(), Math.min(wait, MAX_WAIT_MS));
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.due()) {
      this.schedule();
      return;
    }
    this.refresh().catch(() => {
      clearTimeout(this.timer);
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), RETRY_MS);
    });
  }

  private signOut(): void {
    if (this.stopped) return;
    this.stop();
    this.opts.onSignedOut();
  }
}
