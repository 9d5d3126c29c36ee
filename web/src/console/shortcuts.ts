// The console's keyboard shortcuts: which key does what, and the list the help overlay shows.
// Single-letter keys act only when the agent is not typing (in a text box, a list or a menu),
// so they never eat a letter of a reply; the modifier combinations act everywhere. Pure.

export type ShortcutAction = 'search' | 'next' | 'previous' | 'reply' | 'note' | 'take' | 'snooze' | 'close' | 'help';

/** The parts of a KeyboardEvent that decide a shortcut. */
export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export interface ShortcutHelp {
  keys: string[][];
  does: string;
}

/** What the help overlay lists, in the order an agent meets them. */
export const SHORTCUT_HELP: ShortcutHelp[] = [
  { keys: [['Ctrl', 'K'], ['⌘', 'K']], does: 'Search conversations, customers and messages' },
  { keys: [['Alt', '↓'], ['j']], does: 'Next conversation in the list' },
  { keys: [['Alt', '↑'], ['k']], does: 'Previous conversation in the list' },
  { keys: [['r']], does: 'Write a reply (focus the message box)' },
  { keys: [['n']], does: 'Write a private note' },
  { keys: [['t']], does: 'Take the open conversation from the queue' },
  { keys: [['s']], does: 'Snooze the open conversation, or wake it when snoozed' },
  { keys: [['Shift', 'C']], does: 'Close the open conversation' },
  { keys: [['?']], does: 'Show these shortcuts' },
  { keys: [['Esc']], does: 'Close a dialog, a list of suggestions or this overlay' },
];

/** The action of a key press, or null; `typing` is true while focus is in a text field. */
export function shortcutFor(e: KeyPress, typing: boolean): ShortcutAction | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && key === 'k') return 'search';
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (e.key === 'ArrowDown') return 'next';
    if (e.key === 'ArrowUp') return 'previous';
    return null;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === '?') return 'help';
  if (e.shiftKey) return e.key === 'C' ? 'close' : null;
  switch (e.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'r':
      return 'reply';
    case 'n':
      return 'note';
    case 't':
      return 'take';
    case 's':
      return 'snooze';
    default:
      return null;
  }
}

/** Whether keys typed into this element are text (or a choice) rather than commands. */
export function isTypingTarget(el: { tagName: string; isContentEditable?: boolean; getAttribute?(name: string): string | null } | null): boolean {
  if (!el) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = (el.getAttribute?.('type') ?? 'text').toLowerCase();
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'color', 'range'].includes(type);
}

/** The neighbour of `current` in `ids` (the list as shown), or the first when none is open. */
export function neighbour(ids: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const at = current ? ids.indexOf(current) : -1;
  if (at < 0) return step === 1 ? ids[0] : ids[ids.length - 1];
  const next = at + step;
  return next >= 0 && next < ids.length ? ids[next] : null;
}
