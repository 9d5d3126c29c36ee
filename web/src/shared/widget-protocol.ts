// Messages between the widget loader (on the host page) and the chat window (the iframe served
// from Raasel's origin). Both sides check the sender: the loader only listens to its own frame
// from Raasel's origin and posts only to that origin; the frame first checks that its parent is
// the page the loader named (`parent`, confirmed by the referrer and the ancestor origins), then
// posts only to that origin and listens only to its parent window from that origin.
// The visitor's identity travels only when the browser blocks the frame's own storage (see
// `keep`); otherwise the frame tells counts and flags, and the first line of each new message
// of the organization (for the unread preview and the site's `message` callbacks); the loader
// tells whether the window is open, the host page and the language the site chose.

export const WIDGET_SOURCE = 'raasel-widget';

/** Frame → loader. */
export type FrameMessage =
  | { source: typeof WIDGET_SOURCE; type: 'ready' }
  | { source: typeof WIDGET_SOURCE; type: 'state'; unread: number; conversation: boolean }
  | { source: typeof WIDGET_SOURCE; type: 'close' }
  /** A new message from the organization (never the visitor's own, never a private note). */
  | { source: typeof WIDGET_SOURCE; type: 'message'; message: NewMessage }
  /** Keep this value (the visitor identity) for me: my own storage is blocked. */
  | { source: typeof WIDGET_SOURCE; type: 'keep'; value: string | null };

/**
 * Loader → frame. `init` answers `ready` with what the loader kept for the frame. Both carry the
 * host page the visitor is on (the frame cannot read it: another origin), reported to the agents
 * when a conversation starts.
 */
export type LoaderMessage =
  | { source: typeof WIDGET_SOURCE; type: 'open'; open: boolean; page?: HostPage }
  | { source: typeof WIDGET_SOURCE; type: 'init'; open: boolean; kept: string | null; page?: HostPage; locale?: string | null }
  /** The site chose a language (`Raasel.setLocale`). */
  | { source: typeof WIDGET_SOURCE; type: 'locale'; locale: string };

/** What the site hears of a new message of the organization (`Raasel.on('message', …)`). */
export interface NewMessage {
  session_id: string;
  /** The message's first line, shortened. */
  preview: string;
  sender_name: string;
}

/** The host page as its loader sees it (the URL without its fragment). */
export interface HostPage {
  url: string;
  title: string;
  referrer: string;
}

/** The host page's key remembering that the visitor has an open conversation. */
export function conversationFlagKey(domain: string): string {
  return `raasel:${domain}:conversation`;
}

/**
 * The chat window's key for the visitor token, per embedding origin (the verified page that
 * frames the window, or Raasel's own origin when it is opened on its own), organization and
 * site user. Each part is URI-encoded, so no two triples share a key, and no key has the form of
 * the former `raasel.visitor.DOMAIN.EXTERNALID` (shared by every embedding origin).
 */
export function visitorKey(domain: string, externalId: string, embedder: string): string {
  const part = encodeURIComponent;
  return `raasel.visitor:${part(embedder)}:${part(domain)}:${part(externalId)}`;
}

/** The host page's key for the visitor identity, used only when the frame's storage is blocked. */
export function keptVisitorKey(domain: string, externalId: string): string {
  return `raasel:${domain}:visitor:${externalId}`;
}
