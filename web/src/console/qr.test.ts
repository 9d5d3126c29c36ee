import { describe, expect, test } from 'vitest';
import { QR_MARGIN, qrDrawing } from './qr';

describe('qrDrawing', () => {
  test('draws each run of dark modules as one rectangle, moved in by the margin', () => {
    const drawing = qrDrawing(['110', '011', '101']);
    expect(drawing.side).toBe(3 + 2 * QR_MARGIN);
    expect(drawing.runs).toEqual([
      { x: 4, y: 4, width: 2 },
      { x: 5, y: 5, width: 2 },
      { x: 4, y: 6, width: 1 },
      { x: 6, y: 6, width: 1 },
    ]);
  });

  test('a row of light modules draws nothing, a row of dark ones one rectangle', () => {
    expect(qrDrawing(['000', '111', '000'], 0)).toEqual({ side: 3, runs: [{ x: 0, y: 1, width: 3 }] });
  });

  test('covers exactly the dark modules', () => {
    const rows = ['1011001', '0110110', '1111111', '0000000', '1000001', '0101010', '1100011'];
    const drawing = qrDrawing(rows, 2);
    const dark = new Set<string>();
    for (const r of drawing.runs) for (let i = 0; i < r.width; i++) dark.add(`${r.x + i},${r.y}`);
    const expected = new Set<string>();
    rows.forEach((row, y) => [...row].forEach((m, x) => m === '1' && expected.add(`${x + 2},${y + 2}`)));
    expect(dark).toEqual(expected);
    expect(drawing.side).toBe(11);
  });

  test('an empty code is only its margin', () => {
    expect(qrDrawing([])).toEqual({ side: 2 * QR_MARGIN, runs: [] });
  });
});
