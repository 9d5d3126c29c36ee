import { describe, expect, test } from 'vitest';
import { sessionFixture } from '../../test/fixtures';
import type { Session } from '../shared/types';
import { NO_FILTER, activeFilters, filtered, listQuery, matches } from './list-filter';

function session(id: string, over: Partial<Session> = {}): Session {
  return sessionFixture(id, {
    organization_id: 'o',
    client_id: 'c',
    client_name: id,
    status: 'active',
    last_seq: 1,
    created_at: '2025-01-01T10:00:00Z',
    updated_at: '2025-01-01T10:00:00Z',
    ...over,
  });
}

describe('list filters', () => {
  test('label and priority narrow every list; status and assignee only the list of all', () => {
    const s = session('a', { labels: ['vip'], priority: 'high', status: 'active', agent_id: 'jane' });
    expect(matches(s, { ...NO_FILTER, label: 'vip' }, 'mine')).toBe(true);
    expect(matches(s, { ...NO_FILTER, label: 'other' }, 'mine')).toBe(false);
    expect(matches(s, { ...NO_FILTER, priority: 'urgent' }, 'queue')).toBe(false);
    expect(matches(s, { ...NO_FILTER, status: 'closed' }, 'mine')).toBe(true);
    expect(matches(s, { ...NO_FILTER, status: 'closed' }, 'all')).toBe(false);
    expect(matches(s, { ...NO_FILTER, agent: 'john' }, 'all')).toBe(false);
    expect(matches(s, { ...NO_FILTER, agent: 'jane', status: 'active', label: 'vip', priority: 'high' }, 'all')).toBe(true);
  });

  test('the team narrows every list', () => {
    const sale = session('s', { team_id: 'sales', status: 'waiting' });
    for (const list of ['queue', 'mine', 'snoozed', 'all'] as const) {
      expect(matches(sale, { ...NO_FILTER, team: 'sales' }, list)).toBe(true);
      expect(matches(sale, { ...NO_FILTER, team: 'support' }, list)).toBe(false);
    }
    expect(activeFilters({ ...NO_FILTER, team: 'sales' }, 'queue')).toBe(1);
  });

  test('sorts as the server does', () => {
    const a = session('a', { created_at: '2025-01-01T10:00:00Z', last_message_at: '2025-01-01T12:00:00Z', priority: 'low', queued_at: '2025-01-01T10:05:00Z' });
    const b = session('b', { created_at: '2025-01-01T11:00:00Z', last_message_at: '2025-01-01T11:30:00Z', priority: 'urgent', queued_at: '2025-01-01T11:01:00Z' });
    const c = session('c', { created_at: '2025-01-01T09:00:00Z', priority: 'urgent' });
    const ids = (sort: typeof NO_FILTER.sort, list: 'queue' | 'mine' | 'all' = 'all') => filtered([a, b, c], { ...NO_FILTER, sort }, list).map((s) => s.id);
    expect(ids('newest')).toEqual(['b', 'a', 'c']);
    expect(ids('activity')).toEqual(['a', 'b', 'c']);
    expect(ids('waiting')).toEqual(['a', 'b', 'c']);
    expect(ids('priority')).toEqual(['b', 'c', 'a']);
    expect(ids('', 'queue')).toEqual(['a', 'b', 'c']);
    expect(ids('', 'all')).toEqual(['a', 'b', 'c']);
  });

  test('the Snoozed list is in the order its conversations come back, whatever the sort, and keeps the label filter', () => {
    const snoozed = (id: string, until: string | null, labels: string[] = []) => session(id, { snoozed: true, snoozed_until: until, labels });
    const list = [snoozed('customer', null, ['vip']), snoozed('later', '2025-01-03T09:00:00Z', ['vip']), snoozed('soon', '2025-01-02T09:00:00Z')];
    expect(filtered(list, { ...NO_FILTER, sort: 'priority' }, 'snoozed').map((s) => s.id)).toEqual(['soon', 'later', 'customer']);
    expect(filtered(list, { ...NO_FILTER, label: 'vip' }, 'snoozed').map((s) => s.id)).toEqual(['later', 'customer']);
    expect(activeFilters({ ...NO_FILTER, status: 'closed', label: 'vip' }, 'snoozed')).toBe(1);
  });

  test('the server query names only what is set', () => {
    expect(listQuery(NO_FILTER)).toEqual({
      status: undefined,
      agent_id: undefined,
      label: undefined,
      priority: undefined,
      team: undefined,
      sort: 'activity',
    });
    expect(listQuery({ status: 'waiting', agent: 'x', label: 'l', priority: 'high', team: 't', sort: 'priority' })).toEqual({
      status: 'waiting',
      agent_id: 'x',
      label: 'l',
      priority: 'high',
      team: 't',
      sort: 'priority',
    });
    expect(activeFilters({ ...NO_FILTER, status: 'closed', label: 'l' }, 'mine')).toBe(1);
    expect(activeFilters({ ...NO_FILTER, status: 'closed', label: 'l' }, 'all')).toBe(2);
  });
});
