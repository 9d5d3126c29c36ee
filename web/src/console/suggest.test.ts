import { describe, expect, test } from 'vitest';
import type { Agent, CannedReply } from '../shared/types';
import { matchTeammates, mentionText, mentionTrigger, pickerFor, replaceTrigger } from './suggest';

const team = [
  { id: 'me', name: 'John Smith' },
  { id: 'j', name: 'Jane Doe' },
  { id: 'r', name: 'Ravi Rao' },
  { id: 'é', name: 'Élodie Dupont' },
];

describe('mentions in notes', () => {
  test('an @ at the start of a word starts a mention, with a first name and part of the last', () => {
    expect(mentionTrigger('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(mentionTrigger('ask @ja', 7)).toEqual({ start: 4, end: 7, query: 'ja' });
    expect(mentionTrigger('ask @Jane D', 11)).toEqual({ start: 4, end: 11, query: 'Jane D' });
    expect(mentionTrigger('mail me@example.com', 19)).toBeNull();
    expect(mentionTrigger('@Jane Doe is here', 17)).toBeNull();
    expect(mentionTrigger('@Jane\nnext', 10)).toBeNull();
  });

  test('teammates match by their full name or any word of it, never oneself', () => {
    expect(matchTeammates(team, 'ja', 'me').map((a) => a.id)).toEqual(['j']);
    expect(matchTeammates(team, 'rao', 'me').map((a) => a.id)).toEqual(['r']);
    expect(matchTeammates(team, 'jane d', 'me').map((a) => a.id)).toEqual(['j']);
    expect(matchTeammates(team, 'john', 'me')).toEqual([]);
    expect(matchTeammates(team, 'élo', 'me').map((a) => a.id)).toEqual(['é']);
    expect(matchTeammates(team, '', 'me').map((a) => a.id)).toEqual(['j', 'r', 'é']);
  });

  test('a chosen teammate replaces what was typed with their full name', () => {
    const text = 'Can @ja check?';
    const trigger = mentionTrigger(text, 7)!;
    expect(replaceTrigger(text, trigger, mentionText('Jane Doe'))).toEqual({ text: 'Can @Jane Doe check?', caret: 14 });
    expect(replaceTrigger('@ja', mentionTrigger('@ja', 3)!, mentionText('Jane Doe'))).toEqual({ text: '@Jane Doe ', caret: 10 });
  });
});

describe('what the composer offers at the caret', () => {
  const at = '2025-01-01T00:00:00Z';
  const replies = [{ id: 'r', organization_id: 'o', owner_id: null, shortcut: 'thanks', content: 'Thanks!', created_at: at, updated_at: at }] as CannedReply[];
  const agents = team as unknown as Agent[];
  const offer = (text: string, mode: 'reply' | 'note', dismissedAt: number | null = null) =>
    pickerFor(text, text.length, mode, dismissedAt, replies, agents, 'me');

  test('canned replies in both modes, teammates only in a note', () => {
    expect(offer('/th', 'reply')).toMatchObject({ kind: 'canned', items: [{ shortcut: 'thanks' }] });
    expect(offer('/th', 'note')?.kind).toBe('canned');
    expect(offer('@ja', 'reply')).toBeNull();
    expect(offer('@ja', 'note')).toMatchObject({ kind: 'mention', items: [{ id: 'j' }] });
  });

  test('the trigger nearest the caret wins, and a dismissed one stays closed', () => {
    expect(offer('/th @ra', 'note')?.kind).toBe('mention');
    expect(offer('@ra /th', 'note')?.kind).toBe('canned');
    expect(offer('hi /th', 'reply', 3)).toBeNull();
    expect(offer('hi /th', 'reply', 0)?.kind).toBe('canned');
  });
});
