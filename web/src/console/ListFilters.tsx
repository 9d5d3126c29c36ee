// The filter bar above a conversation list: team (when the organization has teams of its own),
// label and priority everywhere; the order everywhere
// but in the Snoozed list (always soonest back first); status and assignee in the list of all
// conversations (the others are one status and assignee already). The list of all
// conversations is asked of the server again when the filter changes.

import { useEffect } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import type { ConsoleSession, Priority, SessionStatus } from '../shared/types';
import { type ListName, type SortOrder, PRIORITIES, activeFilters, defaultSort, listQuery, priorityName } from './list-filter';
import { useTools } from './tools';

const SORTS: { value: SortOrder; label: string }[] = [
  { value: 'activity', label: 'Latest activity' },
  { value: 'newest', label: 'Newest' },
  { value: 'waiting', label: 'Longest waiting' },
  { value: 'priority', label: 'Most urgent' },
];

/** The conversations a list shows with the agent's filter; the list of all is fetched to match. */
export function useListedSessions(list: ListName): ConsoleSession[] {
  const tools = useTools();
  useObservable(tools.lists, tools.workspace);
  const key = JSON.stringify(listQuery(tools.lists.filter));
  useEffect(() => {
    if (list === 'all') void tools.lists.fetchAll().catch(() => undefined);
  }, [list, key]);
  return tools.lists.sessions(list);
}

/** What an empty list says while filters narrow it (null: no filter, the list's own words). */
export function useFilteredEmptyText(): (list: ListName) => string | null {
  const tools = useTools();
  return (list) => (activeFilters(tools.lists.filter, list) > 0 ? 'No conversation matches these filters.' : null);
}

export function ListFilters({ list }: { list: ListName }) {
  const tools = useTools();
  useObservable(tools.lists, tools.labels, tools.workspace);
  const { filter } = tools.lists;
  const { workspace } = tools;
  const narrowed = activeFilters(filter, list);
  const { teams } = workspace;

  return (
    <div class="list-filters" role="group" aria-label="Filter and sort">
      {list === 'all' && (
        <select aria-label="Status" value={filter.status} onChange={(e) => tools.lists.set({ status: e.currentTarget.value as SessionStatus | '' })}>
          <option value="">Every status</option>
          <option value="waiting">Waiting</option>
          <option value="active">Active</option>
          <option value="closed">Closed</option>
        </select>
      )}
      {list === 'all' && (
        <select aria-label="Assignee" value={filter.agent} onChange={(e) => tools.lists.set({ agent: e.currentTarget.value })}>
          <option value="">Anyone</option>
          <option value={workspace.me.id}>Me</option>
          {workspace.agents
            .filter((a) => a.id !== workspace.me.id)
            .map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
        </select>
      )}
      {(teams.several() || filter.team) && (
        <select aria-label="Team" value={filter.team} onChange={(e) => tools.lists.set({ team: e.currentTarget.value })}>
          <option value="">Every team</option>
          {teams.teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      )}
      <select aria-label="Label" value={filter.label} onChange={(e) => tools.lists.set({ label: e.currentTarget.value })}>
        <option value="">Any label</option>
        {tools.labels.labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <select aria-label="Priority" value={filter.priority} onChange={(e) => tools.lists.set({ priority: e.currentTarget.value as Priority | '' })}>
        <option value="">Any priority</option>
        {[...PRIORITIES].reverse().map((p) => (
          <option key={p} value={p}>
            {priorityName(p)}
          </option>
        ))}
      </select>
      {list !== 'snoozed' && (
        <select aria-label="Sort by" value={filter.sort || defaultSort(list)} onChange={(e) => tools.lists.set({ sort: e.currentTarget.value as SortOrder })}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      )}
      {narrowed > 0 && (
        <button type="button" class="link small" onClick={() => tools.lists.set({ status: '', agent: '', label: '', priority: '', team: '' })}>
          Clear {narrowed === 1 ? 'filter' : `${narrowed} filters`}
        </button>
      )}
    </div>
  );
}
