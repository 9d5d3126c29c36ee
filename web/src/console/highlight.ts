// A search snippet cut into plain and marked parts. The server counts offsets in characters
// (Unicode scalar values), while JavaScript strings index UTF-16 units, so the text is split
// into characters first; an emoji before a match must not shift the mark. Pure.

import type { Snippet } from '../shared/types';

export interface SnippetPart {
  text: string;
  marked: boolean;
}

/** The snippet's text in order, each part marked or not; bad or overlapping ranges are skipped. */
export function snippetParts(snippet: Snippet): SnippetPart[] {
  const chars = Array.from(snippet.text);
  const ranges = snippet.highlights
    .map(([start, end]) => [Math.max(0, start), Math.min(chars.length, end)] as const)
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    if (start > at) parts.push({ text: chars.slice(at, start).join(''), marked: false });
    parts.push({ text: chars.slice(start, end).join(''), marked: true });
    at = end;
  }
  if (at < chars.length) parts.push({ text: chars.slice(at).join(''), marked: false });
  return parts;
}
