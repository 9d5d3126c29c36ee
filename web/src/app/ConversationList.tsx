// Every conversation of the customer, across organizations: last message and unread count.

import { messagePreview, shortWhen } from '../shared/format';
import { useNow, useObservable } from '../shared/hooks';
import type { Inbox } from '../shared/inbox';
import type { ClientSession } from '../shared/types';

interface Props {
  inbox: Inbox;
  selectedId: string | null;
  onSelect: (sessionId: string) => void;
}

export function ConversationList({ inbox, selectedId, onSelect }: Props) {
  useObservable(inbox);
  const now = useNow(60_000);
  return (
    <section class="conversations" aria-labelledby="conversations-title">
      <h2 id="conversations-title" class="section-title">
        Your conversations
      </h2>
      {inbox.loaded && inbox.sessions.length === 0 && (
        <p class="muted small">No conversation yet. Find an organization above to start one.</p>
      )}
      <ul class="conversation-list">
        {inbox.sessions.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              class={s.id === selectedId ? 'conversation-item selected' : 'conversation-item'}
              aria-current={s.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(s.id)}
              data-session={s.id}
            >
              <span class="row">
                <span class="org-name">{s.organization.name}</span>
                <span class="muted small">{shortWhen(s.last_message_at ?? s.created_at, now)}</span>
              </span>
              <span class="row">
                <span class="last-message muted">
                  {s.status === 'closed' && '(ended) '}
                  {lastLine(s)}
                </span>
                {s.unread_count > 0 && (
                  <span class="badge" data-unread={s.unread_count} aria-label={`${s.unread_count} unread`}>
                    {s.unread_count}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What people last wrote (a system note, such as who joined, is not shown). */
function lastLine(s: ClientSession): string {
  if (!s.last_message) return 'No message yet';
  const mine = s.last_message.sender_type === 'client';
  return messagePreview({ ...s.last_message, content: `${mine ? 'You: ' : ''}${s.last_message.content}` }) ?? '';
}
