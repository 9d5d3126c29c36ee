// The visitor's conversations with this organization, newest first, each with its state, when
// it last moved and its last line; any can be opened (an ended one read-only), or a new one
// started.

import { customerLastLine, shortWhen } from '../shared/format';
import { useNow, useObservable } from '../shared/hooks';
import { t } from '../shared/i18n';
import type { Inbox } from '../shared/inbox';

interface Props {
  inbox: Inbox;
  onOpen: (sessionId: string) => void;
  onNew: () => void;
}

export function History({ inbox, onOpen, onNew }: Props) {
  useObservable(inbox);
  const now = useNow(60_000);
  return (
    <section class="history" aria-labelledby="history-title" data-history="">
      <div class="history-head">
        <h2 id="history-title" class="history-title">
          {t('widget.history')}
        </h2>
        <button type="button" class="btn btn-primary" onClick={onNew} data-new-conversation="">
          {t('widget.new')}
        </button>
      </div>
      {inbox.sessions.length === 0 && <p class="muted history-empty">{t('widget.noHistory')}</p>}
      <ul class="history-list">
        {inbox.sessions.map((s) => (
          <li key={s.id}>
            <button type="button" class="history-item" onClick={() => onOpen(s.id)} data-session={s.id} data-status={s.status}>
              <span class="history-row">
                <span class={`history-status status-${s.status}`}>{t(`status.${s.status}`)}</span>
                <time class="muted" dateTime={s.last_message_at ?? s.created_at}>
                  {shortWhen(s.last_message_at ?? s.created_at, now)}
                </time>
              </span>
              <span class="history-row">
                <span class="history-last" dir="auto">{customerLastLine(s)}</span>
                {s.unread_count > 0 && (
                  <span class="badge" aria-label={t('list.unread', { n: s.unread_count })}>
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
