// Which page framed the chat window, checked before anything is read or posted. The loader
// names the host page's origin in `parent`; anyone can write that parameter, so the frame
// believes it only when the browser says the same: the origin of `document.referrer` (the loader
// sets `referrerpolicy="origin"` on its iframe, so the host page's own policy cannot hide it)
// and, where the browser offers it, `location.ancestorOrigins[0]`. Pure (no `window`), so it is
// unit-tested in node.

/** What the browser says about who framed this window. */
export interface Embedding {
  /** `document.referrer`. */
  referrer: string;
  /** `location.ancestorOrigins` where the browser has it (Chromium, Safari), else undefined. */
  ancestorOrigins?: ArrayLike<string> | null;
}

/** `value` when it is exactly an http(s) origin, `scheme://host[:port]` as browsers print it. */
export function asOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin === value ? value : null;
  } catch {
    return null;
  }
}

/** The http(s) origin of a URL (e.g. the referrer), or null. */
export function originOfUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The framing page's origin when `parent` (the loader's claim) is a valid origin, equals the
 * referrer's origin and the first ancestor origin where there is one, and, once the
 * organization has a list of allowed origins, is on it; otherwise null: the window is refused.
 */
export function verifiedParent(parent: string | null | undefined, embedding: Embedding, allowed?: readonly string[] | null): string | null {
  const claimed = asOrigin(parent);
  if (!claimed || originOfUrl(embedding.referrer) !== claimed) return null;
  const ancestors = embedding.ancestorOrigins;
  if (ancestors && ancestors[0] !== claimed) return null;
  if (allowed && allowed.length > 0 && !allowed.includes(claimed)) return null;
  return claimed;
}
