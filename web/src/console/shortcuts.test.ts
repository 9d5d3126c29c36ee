import { describe, expect, test } from 'vitest';
import { isTypingTarget, neighbour, shortcutFor } from './shortcuts';

const press = (key: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  test('search and moving through the list work while typing', () => {
    expect(shortcutFor(press('k', { ctrlKey: true }), true)).toBe('search');
    expect(shortcutFor(press('K', { metaKey: true, shiftKey: true }), true)).toBe('search');
    expect(shortcutFor(press('ArrowDown', { altKey: true }), true)).toBe('next');
    expect(shortcutFor(press('ArrowUp', { altKey: true }), false)).toBe('previous');
  });

  test('single keys act only when not typing', () => {
    for (const [key, action] of [['j', 'next'], ['k', 'previous'], ['r', 'reply'], ['n', 'note'], ['t', 'take'], ['s', 'snooze'], ['?', 'help']] as const) {
      expect(shortcutFor(press(key, { shiftKey: key === '?' }), false)).toBe(action);
      expect(shortcutFor(press(key), true)).toBeNull();
    }
    expect(shortcutFor(press('C', { shiftKey: true }), false)).toBe('close');
    expect(shortcutFor(press('c'), false)).toBeNull();
    expect(shortcutFor(press('r', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(press('ArrowDown'), false)).toBeNull();
  });

  test('text fields, lists and menus count as typing; buttons and checkboxes do not', () => {
    const el = (tagName: string, type?: string) => ({ tagName, getAttribute: (n: string) => (n === 'type' ? type ?? null : null) });
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(el('INPUT'))).toBe(true);
    expect(isTypingTarget(el('INPUT', 'search'))).toBe(true);
    expect(isTypingTarget(el('SELECT'))).toBe(true);
    expect(isTypingTarget(el('INPUT', 'checkbox'))).toBe(false);
    expect(isTypingTarget(el('BUTTON'))).toBe(false);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });

  test('next and previous stop at the ends of the list', () => {
    expect(neighbour(['a', 'b', 'c'], 'b', 1)).toBe('c');
    expect(neighbour(['a', 'b', 'c'], 'c', 1)).toBeNull();
    expect(neighbour(['a', 'b', 'c'], 'a', -1)).toBeNull();
    expect(neighbour(['a', 'b', 'c'], null, 1)).toBe('a');
    expect(neighbour(['a', 'b', 'c'], 'gone', -1)).toBe('c');
    expect(neighbour([], null, 1)).toBeNull();
  });
});
