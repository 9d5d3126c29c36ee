// A conversation's team (when the organization has teams of its own), labels and priority in its
// header, with the customer panel's toggle. Agents change labels and priority where their lists
// reach (supervisors and admins anywhere unless limited to their teams, plain agents in their own
// conversations and their teams' queues); the change reaches every console of the organization
// live (`session_updated`).

import { useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { useObservable } from '../shared/hooks';
import type { ConsoleSession, Priority } from '../shared/types';
import { LabelChip, PriorityBadge } from './LabelChip';
import { LabelPicker } from './LabelPicker';
import { PRIORITIES, priorityName } from './list-filter';
import { TeamBadge } from './SessionTags';
import { PanelToggle } from './ToolPages';
import { type AgentTools, useTools } from './tools';

/** Whether I may change the conversation's labels and priority: where my lists reach (the server's rule). */
export function canTag(tools: AgentTools, session: ConsoleSession): boolean {
  return tools.workspace.lists(session);
}

export function ConversationTags({ session }: { session: ConsoleSession }) {
  const tools = useTools();
  useObservable(tools.labels, tools.workspace.teams);
  const [error, setError] = useState('');
  const labels = tools.labels.of(session.labels);
  const team = tools.workspace.teams.nameOf(session.team_id);
  const editable = canTag(tools, session);

  async function change(action: () => Promise<{ session: ConsoleSession }>) {
    setError('');
    try {
      tools.workspace.applySessionUpdate((await action()).session);
    } catch (e) {
      setError(errorText(e));
    }
  }
  const setLabels = (ids: string[]) =>
    change(() => tools.api.call('put', '/api/sessions/{id}/labels', { path: { id: session.id }, body: { labels: ids } }));
  const setPriority = (priority: Priority) =>
    change(() => tools.api.call('put', '/api/sessions/{id}/priority', { path: { id: session.id }, body: { priority } }));

  return (
    <div class="conv-tags">
      {team && <TeamBadge name={team} />}
      <ul class="chip-list" aria-label="Labels">
        {labels.map((l) => (
          <li key={l.id}>
            <LabelChip label={l} onRemove={editable ? () => setLabels(session.labels.filter((id) => id !== l.id)) : undefined} />
          </li>
        ))}
      </ul>
      {editable && <LabelPicker chosen={session.labels} onChange={setLabels} />}
      {editable ? (
        <select
          class="priority-select"
          aria-label="Conversation priority"
          value={session.priority}
          onChange={(e) => setPriority(e.currentTarget.value as Priority)}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {priorityName(p)}
            </option>
          ))}
        </select>
      ) : (
        <PriorityBadge priority={session.priority} />
      )}
      <PanelToggle />
      {error && (
        <p class="error-text small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
