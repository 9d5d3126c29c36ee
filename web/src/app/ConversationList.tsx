// Every conversation of the customer, across organizations: last message and unread count.

import { customerLastLine, shortWhen } from '../shared/format';
import { useNow, useObservable } from '../shared/hooks';
import { t } from '../shared/i18n';
import type { Inbox } from '../shared/inbox';

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
        {t('app.conversations')}
      </h2>
      {inbox.loaded && inbox.sessions.length === 0 && (
        <p class="muted small">{t('app.noConversation')}</p>
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
                <span class="org-name"><bdi>{s.organization.name}</bdi></span>
                <span class="muted small">{shortWhen(s.last_message_at ?? s.created_at, now)}</span>
              </span>
              <span class="row">
                <span class="last-message muted">
                  {s.status === 'closed' && t('app.endedPrefix')}
                  {customerLastLine(s)}
                </span>
                {s.unread_count > 0 && (
                  <span class="badge" data-unread={s.unread_count} aria-label={t('list.unread', { n: s.unread_count })}>
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
