// A conversation's "Move to team" control: it goes to the chosen team's queue at its original
// place, unassigned, and someone of that team is given it. Shown, while the organization has
// teams of its own, to whoever the server lets move it: supervisors, admins and the agent
// answering it.

import { useState } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import type { ConsoleSession } from '../shared/types';
import type { Workspace } from './workspace';

interface Props {
  workspace: Workspace;
  session: ConsoleSession;
  act: (action: () => Promise<void>) => void;
}

/** Whether I may move the conversation to another team (the server's rule). */
export function canMoveToTeam(workspace: Workspace, session: ConsoleSession): boolean {
  return session.status !== 'closed' && (workspace.canSeeAll || session.agent_id === workspace.me.id);
}

export function TeamMove({ workspace, session, act }: Props) {
  const { teams } = workspace;
  useObservable(teams);
  const [target, setTarget] = useState('');
  if (!teams.several() || !canMoveToTeam(workspace, session)) return null;
  const others = teams.teams.filter((t) => t.id !== session.team_id);
  // A choice that is no longer among the others (the team it was just moved to) is none.
  const chosen = others.some((t) => t.id === target) ? target : '';
  return (
    <form
      class="team-move"
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        act(async () => {
          await workspace.moveToTeam(session.id, chosen);
          setTarget('');
        });
      }}
    >
      <select aria-label="Move to team" value={chosen} onChange={(e) => setTarget(e.currentTarget.value)}>
        <option value="">Move to team…</option>
        {others.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="submit" class="btn" disabled={!chosen}>
        Move
      </button>
    </form>
  );
}
