// A customer's conversation with one organization (customer app and widget alike): its welcome
// message, the place in line while waiting (with the usual wait when everyone is busy), the
// offline message and when it opens again when nobody can answer, and a closed conversation's
// note. Writing in a closed (or not yet started) conversation starts one.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api';
import { reopensLine, statusLine, waitingLine } from '../availability';
import { useObservable } from '../hooks';
import type { Inbox } from '../inbox';
import type { ClientSession, PublicOrganization } from '../types';
import { Banner } from './Banner';
import { ChatView } from './ChatView';

interface Props {
  inbox: Inbox;
  session: ClientSession | undefined;
  organization: PublicOrganization;
  /** The conversation is on screen (and the page visible). */
  visible: boolean;
  /** A new conversation was started by the first message. */
  onStarted: (sessionId: string) => void;
}

export function CustomerChat({ inbox, session, organization, visible, onStarted }: Props) {
  useObservable(inbox);
  const chat = inbox.chat;
  const [error, setError] = useState('');
  const sessionId = session?.id ?? null;
  const conversation = sessionId ? chat.conversation(sessionId) : null;

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
    try {
      onStarted(await inbox.start(organization, text));
    } catch (e) {
      setError(errorText(e));
    }
  }

  const position = sessionId ? inbox.positions.get(sessionId) : undefined;
  const line = waitingLine(organization, position);
  const back = reopensLine(organization);
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
              <span data-queue-position={position} data-availability={organization.availability}>
                {line}
              </span>
            </Banner>
          )}
          {waiting && organization.availability === 'offline' && (
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
    />
  );
}

/** One line about who answers: the agent's name, or the conversation's state. */
export function answererLine(session: ClientSession | undefined, organization: PublicOrganization): string {
  if (session?.status === 'closed') return 'Conversation ended';
  const agent = session?.assigned_agent?.name;
  if (agent) return `You are chatting with ${agent}`;
  return statusLine(organization);
}
