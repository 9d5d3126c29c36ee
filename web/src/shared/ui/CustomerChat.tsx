// A customer's conversation with one organization (customer app and widget alike): its welcome
// message, the place in line while waiting (with the usual wait when everyone is busy), the
// offline message and when it opens again when nobody can answer, and a closed conversation's
// note. Writing in a closed (or not yet started) conversation starts one; when the organization
// offers a choice of teams, the customer first picks one (a site may have named it), and what
// they are told is that team's availability.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api';
import { reopensLine, statusLine, waitingLine } from '../availability';
import { useObservable } from '../hooks';
import type { Inbox } from '../inbox';
import { answeredBy, findTeam } from '../teams';
import type { ClientSession, PublicOrganization } from '../types';
import { Banner } from './Banner';
import { ChatView } from './ChatView';
import { TeamPicker } from './TeamPicker';

interface Props {
  inbox: Inbox;
  session: ClientSession | undefined;
  organization: PublicOrganization;
  /** The conversation is on screen (and the page visible). */
  visible: boolean;
  /** A new conversation was started by the first message. */
  onStarted: (sessionId: string) => void;
  /** The team the site named (its id or name), chosen until the customer picks another. */
  preselectedTeam?: string;
}

export function CustomerChat({ inbox, session, organization, visible, onStarted, preselectedTeam }: Props) {
  useObservable(inbox);
  const chat = inbox.chat;
  const [error, setError] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const sessionId = session?.id ?? null;
  const conversation = sessionId ? chat.conversation(sessionId) : null;
  const starting = !session || session.status === 'closed';
  const offered = organization.teams;
  const choosing = starting && offered.length > 0;
  const chosen = choosing ? (findTeam(offered, picked) ?? findTeam(offered, preselectedTeam) ?? findTeam(offered, session?.team_id))?.id ?? null : null;
  // Who would answer: the chosen team before the first message, the conversation's team after.
  const answering = answeredBy(organization, starting ? chosen : session?.team_id);

  useEffect(() => {
    if (!sessionId) return;
    chat.applyReadState(sessionId, session?.read_state);
    void chat.open(sessionId);
    return () => chat.leave(sessionId);
  }, [sessionId]);

  useEffect(() => {
    inbox.setVisible(visible ? sessionId : null);
  }, [sessionId, visible]);

  async function send(text: string) {
    setError('');
    if (session && session.status !== 'closed') {
      chat.send(session.id, text);
      return;
    }
    if (choosing && !chosen) {
      setError('Choose who you would like to talk to first.');
      return;
    }
    try {
      onStarted(await inbox.start(organization, text, chosen ?? undefined));
    } catch (e) {
      setError(errorText(e));
    }
  }

  const position = sessionId ? inbox.positions.get(sessionId) : undefined;
  const line = waitingLine(answering, position);
  const back = reopensLine(answering);
  const waiting = !session || session.status === 'waiting';
  const closed = session?.status === 'closed';
  return (
    <ChatView
      chat={chat}
      conversation={conversation}
      intro={
        <div class="bubble intro" data-welcome="true">
          <div class="sender">{organization.name}</div>
          <div class="content">{organization.welcome_message}</div>
        </div>
      }
      notices={
        <>
          {waiting && line && (
            <Banner kind="info">
              <span data-queue-position={position} data-availability={answering.availability}>
                {line}
              </span>
            </Banner>
          )}
          {choosing && <TeamPicker teams={offered} chosen={chosen} onChoose={setPicked} />}
          {waiting && answering.availability === 'offline' && (
            <Banner kind="warn">
              <span data-offline-message="true">{organization.offline_message}</span>
              {back && <span data-reopens="true"> {back}</span>}
            </Banner>
          )}
          {closed && <Banner kind="info">This conversation has ended. Writing a message starts a new one.</Banner>}
          {error && <p class="error-text banner" role="alert">{error}</p>}
        </>
      }
      onSend={(text) => void send(text)}
      composerDisabled={choosing && !chosen}
      placeholder={choosing && !chosen ? 'Choose a team above, then write…' : undefined}
    />
  );
}

/** One line about who answers: the agent's name, or the conversation's state (its team's). */
export function answererLine(session: ClientSession | undefined, organization: PublicOrganization): string {
  if (session?.status === 'closed') return 'Conversation ended';
  const agent = session?.assigned_agent?.name;
  if (agent) return `You are chatting with ${agent}`;
  return statusLine(answeredBy(organization, session?.team_id));
}
