// The chat window's side of the postMessage protocol with the loader on the host page. Messages
// go only to the embedder's verified origin (see embedder.ts), never to '*', and only messages
// from the parent window and that origin are heard. Opened on its own (not framed), the window
// posts nothing and listens to nobody.

import { type FrameMessage, type HostPage, type LoaderMessage, WIDGET_SOURCE } from '../shared/widget-protocol';

type Payload = FrameMessage extends infer M ? (M extends unknown ? Omit<M, 'source'> : never) : never;

/** Framed by a host page (the loader), rather than opened on its own. */
export const framed = window.parent !== window;

/**
 * The loader's origin to talk with: the verified embedder's origin when framed, null when the
 * window is opened on its own (or refused, in which case nothing of the chat runs at all).
 */
export type ParentOrigin = string | null;

/** The host page as the loader last described it (null: not framed, or the loader did not say). */
let lastHostPage: HostPage | null = null;

export function hostPage(): HostPage | null {
  return lastHostPage;
}

export function tellLoader(parentOrigin: ParentOrigin, message: Payload): void {
  if (framed && parentOrigin && parentOrigin !== '*') window.parent.postMessage({ source: WIDGET_SOURCE, ...message }, parentOrigin);
}

export interface LoaderInit {
  open: boolean;
  kept: string | null;
}

export interface LoaderListener {
  /** The window was opened or closed. */
  onOpen: (open: boolean) => void;
  /** The site chose a language. */
  onLocale: (locale: string) => void;
}

/**
 * Listens to the loader: whenever it opens or closes the window, or the site chooses a language.
 * Resolves `init` with the loader's answer to `ready` (or null when not framed or the loader
 * stays silent).
 */
export function connectToLoader(parentOrigin: ParentOrigin, { onOpen, onLocale }: LoaderListener): { init: Promise<LoaderInit | null>; stop: () => void } {
  if (!framed || !parentOrigin) return { init: Promise.resolve(null), stop: () => undefined };
  let resolveInit: (value: LoaderInit | null) => void = () => undefined;
  const init = new Promise<LoaderInit | null>((resolve) => {
    resolveInit = resolve;
    setTimeout(() => resolve(null), 3000);
  });
  const handler = (e: MessageEvent) => {
    if (e.source !== window.parent || e.origin !== parentOrigin) return;
    const msg = e.data as LoaderMessage;
    if (!msg || msg.source !== WIDGET_SOURCE) return;
    if (msg.type === 'locale') {
      onLocale(msg.locale);
      return;
    }
    if (msg.page) lastHostPage = msg.page;
    onOpen(msg.open);
    if (msg.type === 'init') {
      if (msg.locale) onLocale(msg.locale);
      resolveInit({ open: msg.open, kept: msg.kept });
    }
  };
  window.addEventListener('message', handler);
  tellLoader(parentOrigin, { type: 'ready' });
  return { init, stop: () => window.removeEventListener('message', handler) };
}
