// A list item's team (when the organization has teams of its own), labels and priority, so an
// agent sees at a glance whose queue a conversation is in, what it is about and how urgent it is.

import { useObservable } from '../shared/hooks';
import type { Session } from '../shared/types';
import { LabelChip, PriorityBadge } from './LabelChip';
import { useTools } from './tools';

export function SessionTags({ session }: { session: Session }) {
  const tools = useTools();
  const { teams } = tools.workspace;
  useObservable(tools.labels, teams);
  const labels = tools.labels.of(session.labels);
  const team = teams.nameOf(session.team_id);
  if (labels.length === 0 && session.priority === 'none' && !team) return null;
  return (
    <span class="session-tags">
      {team && <TeamBadge name={team} />}
      <PriorityBadge priority={session.priority} />
      {labels.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
    </span>
  );
}

/** A conversation's team, named for screen readers too ("Team: Sales"). */
export function TeamBadge({ name }: { name: string }) {
  return (
    <span class="team-badge" data-team={name}>
      <span class="sr-only">Team: </span>
      {name}
    </span>
  );
}
