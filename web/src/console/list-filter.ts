// How a list of conversations is narrowed and ordered: by team, label, priority, status and assignee,
// sorted newest first, by latest activity, longest waiting or most urgent. The same rules as the
// server's list query (GET /api/sessions/organization/{org}), so a list fetched with a filter
// and then kept live from events stays the list the server would give. The Snoozed list is
// always in the order its conversations come back. Pure.

import type { Priority, Session, SessionStatus } from '../shared/types';
import { compareWaking } from './snooze-time';

export type SortOrder = 'newest' | 'activity' | 'waiting' | 'priority';

export interface ListFilter {
  status: SessionStatus | '';
  /** An agent's id, or '' for anyone. */
  agent: string;
  /** A label's id, or '' for any. */
  label: string;
  priority: Priority | '';
  /** A team's id, or '' for any. */
  team: string;
  /** '' is the list's own order (see `defaultSort`). */
  sort: SortOrder | '';
}

export const NO_FILTER: ListFilter = { status: '', agent: '', label: '', priority: '', team: '', sort: '' };

export const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];

const PRIORITY_RANK: Record<Priority, number> = { none: 0, low: 1, medium: 2, high: 3, urgent: 4 };

export type ListName = 'queue' | 'mine' | 'snoozed' | 'all';

/** The queue is served longest waiting first; the others by latest activity. */
export function defaultSort(list: ListName): SortOrder {
  return list === 'queue' ? 'waiting' : 'activity';
}

/**
 * Whether a conversation passes the filter. Status and assignee apply to the list of all
 * conversations only: the queue, mine and snoozed are already one status and one assignee.
 */
export function matches(session: Session, filter: ListFilter, list: ListName): boolean {
  if (filter.team && session.team_id !== filter.team) return false;
  if (filter.label && !session.labels.includes(filter.label)) return false;
  if (filter.priority && session.priority !== filter.priority) return false;
  if (list !== 'all') return true;
  if (filter.status && session.status !== filter.status) return false;
  if (filter.agent && session.agent_id !== filter.agent) return false;
  return true;
}

/** Orders conversations as the server does for the same sort (ties by id, newest first). */
export function compareBy(sort: SortOrder): (a: Session, b: Session) => number {
  const byIdDesc = (a: Session, b: Session) => b.id.localeCompare(a.id);
  const newest = (a: Session, b: Session) => b.created_at.localeCompare(a.created_at) || byIdDesc(a, b);
  switch (sort) {
    case 'newest':
      return newest;
    case 'activity': {
      const at = (s: Session) => s.last_message_at ?? s.created_at;
      return (a, b) => at(b).localeCompare(at(a)) || byIdDesc(a, b);
    }
    case 'waiting':
      // Never queued (the customer has not written) last; then longest waiting first.
      return (a, b) =>
        Number(a.queued_at === null) - Number(b.queued_at === null) ||
        (a.queued_at ?? '').localeCompare(b.queued_at ?? '') ||
        a.created_at.localeCompare(b.created_at) ||
        a.id.localeCompare(b.id);
    case 'priority':
      return (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || newest(a, b);
  }
}

/** The conversations of a list that pass the filter, in the filter's order. */
export function filtered<S extends Session>(sessions: Iterable<S>, filter: ListFilter, list: ListName): S[] {
  const order = list === 'snoozed' ? compareWaking : compareBy(filter.sort || defaultSort(list));
  return [...sessions].filter((s) => matches(s, filter, list)).sort(order);
}

/** The query of GET /api/sessions/organization/{org} for the list of all conversations. */
export function listQuery(filter: ListFilter) {
  return {
    status: filter.status || undefined,
    agent_id: filter.agent || undefined,
    label: filter.label || undefined,
    priority: filter.priority || undefined,
    team: filter.team || undefined,
    sort: filter.sort || defaultSort('all'),
  };
}

/** How many filters narrow the list (the sort is not one). */
export function activeFilters(filter: ListFilter, list: ListName): number {
  const own = [filter.team, filter.label, filter.priority];
  const allOnly = list === 'all' ? [filter.status, filter.agent] : [];
  return [...own, ...allOnly].filter(Boolean).length;
}

export function priorityName(priority: Priority): string {
  return priority === 'none' ? 'No priority' : priority[0].toUpperCase() + priority.slice(1);
}
