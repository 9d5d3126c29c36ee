// The emoji picker's keyboard: arrows move within the grid (mirrored right to left), Home and
// End jump, and moves stop at the edges.

import { describe, expect, test } from 'vitest';
import { EMOJI, moveInGrid } from './EmojiPicker';

describe('moving in the emoji grid', () => {
  const count = 20;
  test('arrows by one and by a row, clamped to the grid', () => {
    expect(moveInGrid(0, 'ArrowRight', count, 8, false)).toBe(1);
    expect(moveInGrid(0, 'ArrowLeft', count, 8, false)).toBe(0);
    expect(moveInGrid(3, 'ArrowDown', count, 8, false)).toBe(11);
    expect(moveInGrid(15, 'ArrowDown', count, 8, false)).toBe(19);
    expect(moveInGrid(3, 'ArrowUp', count, 8, false)).toBe(0);
    expect(moveInGrid(5, 'Home', count, 8, false)).toBe(0);
    expect(moveInGrid(5, 'End', count, 8, false)).toBe(19);
    expect(moveInGrid(5, 'a', count, 8, false)).toBeNull();
  });

  test('right to left, the left arrow goes forward', () => {
    expect(moveInGrid(4, 'ArrowLeft', count, 8, true)).toBe(5);
    expect(moveInGrid(4, 'ArrowRight', count, 8, true)).toBe(3);
  });

  test('a compact set without repeats', () => {
    expect(EMOJI.length).toBeGreaterThanOrEqual(24);
    expect(new Set(EMOJI).size).toBe(EMOJI.length);
  });
});
