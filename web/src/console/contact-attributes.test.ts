import { describe, expect, test } from 'vitest';
import { attributeChanges, attributeText, rowsOf } from './contact-attributes';

const original = { plan: 'pro', seats: 3, trial: false };

describe('custom attributes in the customer panel', () => {
  test('rows keep each value and its kind, by name', () => {
    expect(rowsOf(original)).toEqual([
      { key: 'plan', kind: 'text', value: 'pro' },
      { key: 'seats', kind: 'number', value: '3' },
      { key: 'trial', kind: 'flag', value: 'false' },
    ]);
    expect(attributeText(true)).toBe('Yes');
    expect(attributeText(3)).toBe('3');
  });

  test('only what changed is sent; a removed row removes the key', () => {
    const rows = [
      { key: 'plan', kind: 'text' as const, value: 'enterprise' },
      { key: 'seats', kind: 'number' as const, value: '3' },
      { key: 'company', kind: 'text' as const, value: 'Acme' },
    ];
    expect(attributeChanges(original, rows)).toEqual({ changes: { plan: 'enterprise', company: 'Acme', trial: null }, problems: [] });
    expect(attributeChanges(original, rowsOf(original))).toEqual({ changes: {}, problems: [] });
  });

  test('numbers and flags are typed; blank rows are skipped', () => {
    const rows = [
      { key: 'seats', kind: 'number' as const, value: ' 12 ' },
      { key: 'trial', kind: 'flag' as const, value: 'true' },
      { key: '', kind: 'text' as const, value: ' ' },
      { key: 'plan', kind: 'text' as const, value: 'pro' },
    ];
    expect(attributeChanges(original, rows).changes).toEqual({ seats: 12, trial: true });
  });

  test('bad names, duplicates, bad numbers and long texts are refused with a reason', () => {
    const rows = [
      { key: 'bad key', kind: 'text' as const, value: 'x' },
      { key: 'plan', kind: 'text' as const, value: 'a' },
      { key: 'plan', kind: 'text' as const, value: 'b' },
      { key: 'seats', kind: 'number' as const, value: 'many' },
      { key: 'note', kind: 'text' as const, value: 'x'.repeat(501) },
    ];
    const { problems } = attributeChanges(original, rows);
    expect(problems).toHaveLength(4);
    expect(problems.join(' ')).toMatch(/bad key.*twice.*not a number.*500/);
  });
});
