// A conversation's Snooze button (which asks until when) or, once snoozed, its Wake button.
// Shown to whoever may put it aside: the agent answering it, supervisors and admins.

import { useState } from 'preact/hooks';
import type { ConsoleSession } from '../shared/types';
import { SnoozeDialog } from './SnoozeDialog';
import type { Workspace } from './workspace';
import './snooze.css';

interface Props {
  workspace: Workspace;
  session: ConsoleSession;
  act: (action: () => Promise<void>) => void;
}

export function SnoozeControl({ workspace, session, act }: Props) {
  const [asking, setAsking] = useState(false);
  const mine = session.agent_id === workspace.me.id;
  if (session.status !== 'active' || !(mine || workspace.canSeeAll)) return null;
  // One button that changes its words, so focus stays on it when the dialog closes.
  const snoozed = session.snoozed;
  return (
    <>
      <button
        type="button"
        class="btn"
        aria-haspopup={snoozed ? undefined : 'dialog'}
        aria-keyshortcuts="s"
        onClick={() => (snoozed ? act(() => workspace.wake(session.id)) : setAsking(true))}
      >
        {snoozed ? 'Wake' : 'Snooze'}
      </button>
      {asking && !snoozed && <SnoozeDialog workspace={workspace} session={session} onClose={() => setAsking(false)} />}
    </>
  );
}
