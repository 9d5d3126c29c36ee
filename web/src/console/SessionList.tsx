// A list of conversations: the queue (with how long each has waited), mine, my snoozed ones (with
// when each comes back), or all of them (supervisors and admins), each narrowed and ordered by
// the filter bar (ListFilters).

import { duration, messagePreview, preview, shortWhen } from '../shared/format';
import { useNow, useObservable } from '../shared/hooks';
import type { ConsoleSession } from '../shared/types';
import { ListFilters, useFilteredEmptyText, useListedSessions } from './ListFilters';
import { SessionTags } from './SessionTags';
import { type View, href } from './route';
import { backWhen } from './snooze-time';
import type { Workspace } from './workspace';

const TITLES: Record<string, string> = { queue: 'Queue', mine: 'My conversations', snoozed: 'Snoozed', all: 'All conversations' };

export function SessionList({ workspace, view, selectedId }: { workspace: Workspace; view: View; selectedId: string | null }) {
  useObservable(workspace);
  const now = useNow(15_000);

  const list = view === 'queue' || view === 'mine' || view === 'snoozed' ? view : 'all';
  const sessions = useListedSessions(list);
  const filteredEmptyText = useFilteredEmptyText();
  return (
    <section class="session-list" aria-labelledby="list-title">
      <div class="list-header">
        <h1 id="list-title" class="section-title">
          {TITLES[view]}
        </h1>
      </div>
      <ListFilters list={list} />
      {workspace.loaded && sessions.length === 0 && <p class="empty small">{filteredEmptyText(list) ?? emptyText(view)}</p>}
      <ul>
        {sessions.map((s) => (
          <li key={s.id}>
            <a
              href={href(view, s.id)}
              class={s.id === selectedId ? 'session-item selected' : 'session-item'}
              aria-current={s.id === selectedId ? 'true' : undefined}
              data-session={s.id}
            >
              <span class="row">
                <span class="client-name">{s.client_name}</span>
                {(workspace.unseen.get(s.id) ?? 0) > 0 && (
                  <span class="badge" aria-label={`${workspace.unseen.get(s.id)} new`}>
                    {workspace.unseen.get(s.id)}
                  </span>
                )}
              </span>
              <span class="muted small last-message">{lastLine(workspace, s)}</span>
              <span class="muted small">{detailLine(workspace, s, view, now)}</span>
              <SessionTags session={s} />
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function emptyText(view: View): string {
  if (view === 'queue') return 'Nobody is waiting.';
  if (view === 'mine') return 'No conversation is assigned to you.';
  if (view === 'snoozed') return 'Nothing is snoozed. A snoozed conversation waits here until its time comes or the customer writes.';
  return 'No conversation matches.';
}

function lastLine(workspace: Workspace, s: ConsoleSession): string {
  const m = workspace.lastMessage(s.id);
  const text = m && messagePreview(m, 60);
  if (text) return text;
  return s.subject ? preview(s.subject, 60) : s.client_email ?? '';
}

function detailLine(workspace: Workspace, s: ConsoleSession, view: View, now: number): string {
  if (s.status === 'waiting') return s.queued_at ? `Waiting ${duration(s.queued_at, now)}` : 'Not started';
  if (s.status === 'closed') return `Closed ${shortWhen(s.closed_at ?? s.updated_at, now)}`;
  const back = backWhen(s, now);
  if (view === 'snoozed' && back) return back;
  const agent = s.assigned_agent?.name ?? workspace.agentName(s.agent_id);
  const when = shortWhen(s.last_message_at ?? s.created_at, now);
  const line = view === 'mine' || !agent ? when : `${agent} · ${when}`;
  return back ? `${line} · Snoozed` : line;
}
