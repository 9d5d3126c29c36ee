import { describe, expect, test } from 'vitest';
import type { CannedReply } from '../shared/types';
import { fillPlaceholders, matchCanned, shortcutProblem } from './canned';
import { cannedTrigger, replaceTrigger } from './suggest';

function reply(shortcut: string, content: string, owner: string | null = null): CannedReply {
  const at = '2025-01-01T00:00:00Z';
  return { id: `${shortcut}-${owner}`, organization_id: 'o', owner_id: owner, shortcut, content, created_at: at, updated_at: at };
}

const values = { customerName: 'Alice Martin', agentName: 'John Smith', organizationName: 'Sample' };

describe('canned replies', () => {
  test('placeholders are filled, spaces inside the braces allowed, unknown ones kept', () => {
    expect(fillPlaceholders('Hi {{customer.name}}, {{ agent.name }} from {{organization.name}} here.', values)).toBe(
      'Hi Alice Martin, John Smith from Sample here.',
    );
    expect(fillPlaceholders('{{customer.name}} and {{customer.name}}', values)).toBe('Alice Martin and Alice Martin');
    expect(fillPlaceholders('Order {{order.id}} and {{customer.email}}', values)).toBe('Order {{order.id}} and {{customer.email}}');
  });

  test('a value that looks like a placeholder is not filled again', () => {
    expect(fillPlaceholders('Hi {{customer.name}}', { ...values, customerName: '{{agent.name}}' })).toBe('Hi {{agent.name}}');
  });

  test('a shortcut matches by prefix first, then inside; the personal one before the shared one', () => {
    const replies = [reply('thanks', 'Thank you!'), reply('refund', 'Refunds take 5 days'), reply('no-refund', 'No refund'), reply('refund', 'My refund text', 'me')];
    expect(matchCanned(replies, 'ref').map((r) => [r.shortcut, r.owner_id])).toEqual([
      ['refund', 'me'],
      ['refund', null],
      ['no-refund', null],
    ]);
    expect(matchCanned(replies, '').map((r) => r.shortcut)).toEqual(['no-refund', 'refund', 'refund', 'thanks']);
    expect(matchCanned(replies, 'xyz')).toEqual([]);
    expect(matchCanned(replies, 'THA').map((r) => r.shortcut)).toEqual(['thanks']);
  });

  test('a slash starts a shortcut only at the start of a word', () => {
    expect(cannedTrigger('/ref', 4)).toEqual({ start: 0, end: 4, query: 'ref' });
    expect(cannedTrigger('Hello /', 7)).toEqual({ start: 6, end: 7, query: '' });
    expect(cannedTrigger('see https://x.org/ref', 21)).toBeNull();
    expect(cannedTrigger('and/or', 6)).toBeNull();
    expect(cannedTrigger('/ref more', 9)).toBeNull();
    expect(cannedTrigger('/ref more', 4)).toEqual({ start: 0, end: 4, query: 'ref' });
    expect(cannedTrigger('line\n/th', 8)).toEqual({ start: 5, end: 8, query: 'th' });
  });

  test('inserting replaces the typed shortcut and puts the caret after the text', () => {
    const text = 'Hello /ref and more';
    const trigger = cannedTrigger(text, 10)!;
    expect(replaceTrigger(text, trigger, 'Refunds take 5 days')).toEqual({ text: 'Hello Refunds take 5 days and more', caret: 25 });
  });

  test('shortcuts are checked as the server does', () => {
    expect(shortcutProblem('refund-2_b')).toBeNull();
    expect(shortcutProblem('')).not.toBeNull();
    expect(shortcutProblem('Refund')).not.toBeNull();
    expect(shortcutProblem('a'.repeat(33))).not.toBeNull();
    expect(shortcutProblem('with space')).not.toBeNull();
  });
});
