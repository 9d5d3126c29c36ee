// The widget's JavaScript API on the host page, `window.Raasel`: callable as `Raasel('open')`
// (the form the inline stub queues before the loader is here) and as `Raasel.open()`. The
// loader replaces the stub and runs what it queued, in order. Pure: the loader gives it the
// handlers.

/** The site's signed-in user, as `Raasel.setUser` takes it (the same as the data attributes). */
export interface SiteUser {
  external_id?: string;
  identity_hash?: string;
  name?: string;
  email?: string;
  attributes?: Record<string, unknown>;
}

export type WidgetEvent = 'message' | 'open' | 'close' | 'unread';

export interface Handlers {
  open(): void;
  close(): void;
  setUser(user: SiteUser | null): void;
  setLocale(locale: string): void;
  on(event: WidgetEvent, listener: (payload?: unknown) => void): void;
  off(event: WidgetEvent, listener: (payload?: unknown) => void): void;
}

export type Method = keyof Handlers;
const METHODS: Method[] = ['open', 'close', 'setUser', 'setLocale', 'on', 'off'];

export type RaaselApi = ((method: Method, ...args: unknown[]) => void) & Handlers & { readonly loaded: true };

/** The API over the loader's handlers; an unknown method is ignored (with a warning). */
export function createApi(handlers: Handlers): RaaselApi {
  const call = (method: Method, ...args: unknown[]) => {
    if (!METHODS.includes(method)) {
      console.warn(`Raasel: no method ${String(method)}`);
      return;
    }
    (handlers[method] as (...a: unknown[]) => void)(...args);
  };
  for (const m of METHODS) (call as any)[m] = (...args: unknown[]) => call(m, ...args);
  (call as any).loaded = true;
  return call as RaaselApi;
}

/**
 * What a page set up before the loader ran: the stub (a function whose `q` holds the calls'
 * arguments) or a plain array of calls (`[['open'], ['on', 'message', fn]]`); each call is run
 * in order on the API.
 */
export function drain(before: unknown, api: RaaselApi): void {
  const queue: unknown = Array.isArray(before) ? before : (before as { q?: unknown } | null | undefined)?.q;
  if (!Array.isArray(queue)) return;
  for (const args of queue) {
    const [method, ...rest] = Array.from(args as ArrayLike<unknown>);
    api(method as Method, ...rest);
  }
}

/**
 * Installs the API as `win.Raasel` and runs the calls queued before, unless a loader already
 * did (a page with widgets of several organizations: the first one answers the API).
 */
export function install(win: { Raasel?: unknown }, handlers: Handlers): boolean {
  const before = win.Raasel as { loaded?: boolean } | undefined;
  if (before?.loaded) return false;
  const api = createApi(handlers);
  win.Raasel = api;
  drain(before, api);
  return true;
}
