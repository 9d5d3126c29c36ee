// What the composer offers while an agent types: a word that starts with a trigger character
// (`/` for canned replies, `@` for teammates in a note) right before the caret, what it offers
// there, and the text after a suggestion replaces it. Pure: the composer and its tests share it.

import type { Agent, CannedReply } from '../shared/types';
import { matchCanned } from './canned';

/** A trigger being typed: the text from `start` (the trigger character) to the caret. */
export interface Trigger {
  start: number;
  end: number;
  /** What follows the trigger character, as typed. */
  query: string;
}

/**
 * The trigger word ending at `caret`, if any: `char` at the start of the text or after
 * whitespace, followed by what `allowed` accepts (nothing yet counts: the picker opens at once).
 */
export function triggerAt(text: string, caret: number, char: string, allowed: RegExp): Trigger | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf(char);
  if (at < 0) return null;
  if (at > 0 && !/\s/.test(before[at - 1])) return null;
  const query = before.slice(at + char.length);
  if (!allowed.test(query)) return null;
  return { start: at, end: caret, query };
}

/** `/` and a shortcut as typed so far (the characters a shortcut may hold). */
export function cannedTrigger(text: string, caret: number): Trigger | null {
  return triggerAt(text, caret, '/', /^[a-z0-9_-]{0,32}$/i);
}

/**
 * `@` and a teammate's name as typed so far: letters, digits and inner spaces or dots, so
 * "@Jane D" still narrows to Jane Doe; a newline or a second space in a row ends it.
 */
export function mentionTrigger(text: string, caret: number): Trigger | null {
  return triggerAt(text, caret, '@', /^(?:[\p{L}\p{N}'.-]+(?: [\p{L}\p{N}'.-]*)?)?$/u);
}

/**
 * The text with the trigger replaced by `insertion`, and where the caret goes after it. An
 * insertion ending in a space before text that already starts with one keeps a single space.
 */
export function replaceTrigger(text: string, trigger: Trigger, insertion: string): { text: string; caret: number } {
  const after = text.slice(trigger.end);
  const inserted = insertion.endsWith(' ') && /^\s/.test(after) ? insertion.slice(0, -1) : insertion;
  const next = text.slice(0, trigger.start) + inserted + after;
  return { text: next, caret: trigger.start + inserted.length + (inserted === insertion ? 0 : 1) };
}

/** Teammates whose full name, or one of its words, starts with the query (any case). */
export function matchTeammates<A extends { id: string; name: string }>(agents: readonly A[], query: string, selfId: string): A[] {
  const q = query.trim().toLocaleLowerCase();
  return agents.filter((a) => {
    if (a.id === selfId) return false;
    const name = a.name.toLocaleLowerCase();
    return !q || name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
  });
}

/** What a chosen teammate becomes in the note: `@Full Name ` (the server matches full names). */
export function mentionText(name: string): string {
  return `@${name} `;
}

/** What the composer offers at the caret. */
export type Picker =
  | { kind: 'canned'; trigger: Trigger; items: CannedReply[] }
  | { kind: 'mention'; trigger: Trigger; items: Agent[] };

/**
 * The suggestions for the word being typed at the caret (teammates only in a note), unless
 * Escape dismissed the ones of the trigger at `dismissedAt`.
 */
export function pickerFor(
  text: string,
  caret: number,
  mode: 'reply' | 'note',
  dismissedAt: number | null,
  replies: CannedReply[],
  agents: Agent[],
  selfId: string,
): Picker | null {
  const slash = cannedTrigger(text, caret);
  const at = mode === 'note' ? mentionTrigger(text, caret) : null;
  // When both could apply ("@ja /th"), the one nearest the caret is being typed.
  if (at && (!slash || at.start > slash.start)) {
    return at.start === dismissedAt ? null : { kind: 'mention', trigger: at, items: matchTeammates(agents, at.query, selfId) };
  }
  if (slash) return slash.start === dismissedAt ? null : { kind: 'canned', trigger: slash, items: matchCanned(replies, slash.query) };
  return null;
}
