import { describe, expect, test } from 'vitest';
import { snippetParts } from './highlight';

describe('search snippets', () => {
  test('marked parts follow the character offsets', () => {
    expect(snippetParts({ text: 'Where is my refund? Refunds take days', highlights: [[12, 18], [20, 27]] })).toEqual([
      { text: 'Where is my ', marked: false },
      { text: 'refund', marked: true },
      { text: '? ', marked: false },
      { text: 'Refunds', marked: true },
      { text: ' take days', marked: false },
    ]);
  });

  test('characters outside the basic plane count once, as the server counts them', () => {
    const parts = snippetParts({ text: '…😀 my refund', highlights: [[6, 12]] });
    expect(parts).toEqual([
      { text: '…😀 my ', marked: false },
      { text: 'refund', marked: true },
    ]);
  });

  test('markup in the text stays text, and bad ranges are ignored', () => {
    const parts = snippetParts({ text: '<b>refund</b>', highlights: [[3, 9], [5, 4], [50, 60], [4, 6]] });
    expect(parts).toEqual([
      { text: '<b>', marked: false },
      { text: 'refund', marked: true },
      { text: '</b>', marked: false },
    ]);
    expect(snippetParts({ text: 'plain', highlights: [] })).toEqual([{ text: 'plain', marked: false }]);
  });
});
