// Finds the web links in a message's text, so screens can make them clickable while showing
// everything else as plain text (messages are never rendered as markup).

export type TextPart = { text: string; href?: undefined } | { text: string; href: string };

/** A candidate: an http(s) URL up to whitespace or a character that cannot end one in prose. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence around a link rather than the link itself. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The text cut into plain parts and link parts (`href` set), in order; joined they give it back. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const url = trimTrailing(match[0]);
    if (!isWebUrl(url)) continue;
    if (start > at) parts.push({ text: text.slice(at, start) });
    parts.push({ text: url, href: url });
    at = start + url.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/**
 * Drops what follows a link in a sentence: "see https://x.org/a." links "https://x.org/a". A
 * closing bracket stays when the link opened it ("https://en.wikipedia.org/wiki/Foo_(bar)").
 */
function trimTrailing(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    const opener = CLOSERS[last];
    if (TRAILING.has(last)) end -= 1;
    else if (opener && count(url.slice(0, end), opener) < count(url.slice(0, end), last)) end -= 1;
    else return url.slice(0, end);
  }
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

function isWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
