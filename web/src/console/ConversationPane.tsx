// One conversation in the console: who the customer is, its state, take / transfer / move to
// another team / snooze / close / reopen, and the chat itself (history with older pages on scroll up, live messages,
// typing, marks, files).

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { fileSettingsOf } from '../shared/attachments';
import { duration } from '../shared/format';
import { useNow, useObservable } from '../shared/hooks';
import type { ConsoleSession } from '../shared/types';
import { draftOf, useAttach } from '../shared/ui/attach';
import { ChatView } from '../shared/ui/ChatView';
import { AgentComposer } from './AgentComposer';
import { ConfirmDialog } from './ConfirmDialog';
import { ConversationTags } from './ConversationTags';
import { CustomerRating } from './CustomerRating';
import { MessageFocus } from './MessageFocus';
import { SnoozeControl } from './SnoozeControl';
import { TeamMove } from './TeamMove';
import { backWhen } from './snooze-time';
import { useTools } from './tools';
import type { Workspace } from './workspace';

interface Props {
  workspace: Workspace;
  sessionId: string;
  /** On a phone: the link back to the list. */
  backHref: string | null;
}

export function ConversationPane({ workspace, sessionId, backHref }: Props) {
  useObservable(workspace);
  const chat = workspace.chat;
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState('');
  const session = workspace.sessions.get(sessionId);
  const { api } = useTools();
  const draft = draftOf(api, `session:${sessionId}`);
  const attach = useAttach({ api, draft, settings: fileSettingsOf(workspace.org), session: async () => sessionId });

  useEffect(() => {
    workspace.refresh(sessionId).then(
      (s) => {
        setMissing(!s);
        chat.applyReadState(sessionId, s?.read_state);
      },
      (e) => setError(errorText(e)),
    );
    void chat.open(sessionId);
    return () => chat.leave(sessionId);
  }, [sessionId]);

  if (missing) return <main class="pane empty-pane"><p class="empty">This conversation does not exist.</p></main>;
  if (!session) return <main class="pane empty-pane" aria-busy="true" />;

  async function act(action: () => Promise<void>) {
    setError('');
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    }
  }

  const mine = session.agent_id === workspace.me.id;
  const lockedForMe = session.status === 'active' && !mine && !workspace.canSeeAll;
  // Another team's queue: plain agents may read it, not take it.
  const otherTeams = session.status === 'waiting' && !workspace.canSeeAll && !workspace.inMyTeams(session);
  const teamName = workspace.teams.byId(session.team_id)?.name ?? 'another';
  return (
    <main class="pane" aria-labelledby="pane-title">
      <div class="pane-header">
        {backHref && (
          <a class="btn" href={backHref} aria-label="Back to the list">
            ←
          </a>
        )}
        <div class="pane-who">
          <h2 id="pane-title" class="pane-title">
            {session.client_name}
          </h2>
          <p class="muted small">
            {session.client_email && <span>{session.client_email} · </span>}
            <SessionState workspace={workspace} session={session} />
          </p>
          <ConversationTags session={session} />
          {session.rating && <CustomerRating rating={session.rating} style={workspace.org?.rating_style ?? 'numbers'} />}
        </div>
        <Actions workspace={workspace} session={session} act={act} />
      </div>
      {error && (
        <p class="error-text banner" role="alert">
          {error}
        </p>
      )}
      <ChatView
        chat={chat}
        conversation={chat.conversation(sessionId)}
        onSend={(text) => chat.send(sessionId, text)}
        composerDisabled={session.status === 'closed' || lockedForMe || otherTeams}
        placeholder={
          session.status === 'closed'
            ? 'This conversation is closed. Reopen it to write.'
            : lockedForMe
              ? 'Assigned to a teammate.'
              : otherTeams
                ? `Waiting for the ${teamName} team.`
                : session.status === 'waiting'
                ? `Reply to ${session.client_name} (this takes the conversation)…`
                : `Reply to ${session.client_name}…`
        }
        showOwnNames
        api={api}
        attach={session.status === 'closed' ? null : attach}
        composer={(plain) => (
          <AgentComposer
            session={session}
            replyBlocked={lockedForMe || otherTeams}
            closed={session.status === 'closed'}
            replyPlaceholder={plain.placeholder ?? ''}
            attach={attach}
          />
        )}
      />
      <MessageFocus sessionId={sessionId} />
    </main>
  );
}

function SessionState({ workspace, session }: { workspace: Workspace; session: ConsoleSession }) {
  const now = useNow(15_000);
  if (session.status === 'closed') return <span data-status="closed">Closed</span>;
  if (session.status === 'waiting') {
    return <span data-status="waiting">{session.queued_at ? `Waiting for ${duration(session.queued_at, now)}` : 'Not started yet'}</span>;
  }
  const agent = session.assigned_agent?.name ?? workspace.agentName(session.agent_id) ?? 'an agent';
  const back = backWhen(session, now);
  return (
    <>
      <span data-status="active">{session.agent_id === workspace.me.id ? 'Assigned to you' : `Assigned to ${agent}`}</span>
      {back && (
        <span class="snoozed-state" data-snoozed="true">
          {' '}
          · Snoozed: {back.charAt(0).toLowerCase() + back.slice(1)}
        </span>
      )}
    </>
  );
}

function Actions({ workspace, session, act }: { workspace: Workspace; session: ConsoleSession; act: (f: () => Promise<void>) => void }) {
  const [target, setTarget] = useState('');
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [transcript, setTranscript] = useState('');
  const mine = session.agent_id === workspace.me.id;
  if (session.status === 'closed') {
    // Plain agents reopen only what was theirs or nobody's.
    const mayReopen = mine || !session.agent_id || workspace.canSeeAll;
    return (
      <div class="pane-actions">
        {mayReopen && (
          <button
            type="button"
            class="btn btn-primary"
            title={
              mine
                ? 'Back to you if you can take it now, else to the queue'
                : session.agent_id
                  ? 'Back to its last agent if they can take it now, else to the queue'
                  : 'To the queue, for the next agent who can take it'
            }
            onClick={() => act(() => workspace.reopen(session.id))}
          >
            Reopen
          </button>
        )}
        <button
          type="button"
          class="btn"
          onClick={() =>
            act(async () => {
              setTranscript('');
              setTranscript(`The transcript is on its way to ${await workspace.sendTranscript(session.id)}.`);
            })
          }
        >
          E-mail the transcript
        </button>
        <span class="muted small" role="status" data-transcript-status="">
          {transcript}
        </span>
      </div>
    );
  }
  const others = workspace.agents.filter((a) => a.id !== session.agent_id);
  // A choice that is no longer among the others (say, the agent it was just transferred to) is none.
  const chosen = others.some((a) => a.id === target) ? target : '';
  const assignee = session.agent_id && !mine ? session.assigned_agent?.name ?? workspace.agentName(session.agent_id) ?? 'a teammate' : null;
  const close = () => act(() => workspace.close(session.id));
  return (
    <div class="pane-actions">
      {session.status === 'waiting' && (workspace.canSeeAll || workspace.inMyTeams(session)) && (
        <button type="button" class="btn btn-primary" onClick={() => act(() => workspace.take(session.id))}>
          Take
        </button>
      )}
      {workspace.canSeeAll && (
        <form
          class="transfer"
          onSubmit={(e) => {
            e.preventDefault();
            if (!chosen) return;
            act(async () => {
              await workspace.transfer(session.id, chosen);
              setTarget('');
            });
          }}
        >
          <select aria-label="Transfer to" value={chosen} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">Transfer to…</option>
            {others.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.online ? '' : ' (offline)'}
              </option>
            ))}
          </select>
          <button type="submit" class="btn" disabled={!chosen}>
            {session.agent_id ? 'Transfer' : 'Assign'}
          </button>
        </form>
      )}
      <TeamMove workspace={workspace} session={session} act={act} />
      <SnoozeControl workspace={workspace} session={session} act={act} />
      {(mine || workspace.canSeeAll) && (
        <button type="button" class="btn btn-danger" onClick={() => (assignee ? setConfirmingClose(true) : close())}>
          Close
        </button>
      )}
      {confirmingClose && assignee && (
        <ConfirmDialog
          title="Close this conversation?"
          confirmLabel="Close conversation"
          onConfirm={() => {
            setConfirmingClose(false);
            close();
          }}
          onCancel={() => setConfirmingClose(false)}
        >
          <p>
            It is assigned to {assignee}. Closing it ends the chat for {assignee} and for {session.client_name}.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
