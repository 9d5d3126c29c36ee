// The signed-in customer's screen: the directory and their conversations beside the open one
// (one pane at a time on a phone).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from '../shared/api';
import { ChatClient } from '../shared/chat-client';
import { openConnection } from '../shared/connection';
import { useNarrow, useObservable, usePageVisible } from '../shared/hooks';
import { Inbox } from '../shared/inbox';
import { localMarks } from '../shared/storage';
import type { PublicOrganization } from '../shared/types';
import { thisBrowser, thisPage, visitContext } from '../shared/visit-context';
import { CustomerChat, answererLine } from '../shared/ui/CustomerChat';
import { ConversationList } from './ConversationList';
import { Directory } from './Directory';
import { type Account, displayName } from './account';

type Selection = { sessionId: string } | { draft: PublicOrganization } | null;

function useCustomerSession(account: Account, onSignOut: () => void) {
  const parts = useMemo(() => {
    const api = new Api('', account.token);
    const connection = openConnection('', account.token, onSignOut);
    const chat = new ChatClient(connection.port, {
      side: 'client',
      selfId: account.client.id,
      markStore: localMarks('client'),
      deliveredWhenClosed: () => true,
    });
    // The app is the page the customer is on: it reports itself and this browser.
    const inbox = new Inbox(api, chat, connection.port, () => visitContext(thisPage(), thisBrowser()));
    return { api, connection, chat, inbox };
  }, [account.token]);
  useEffect(() => {
    parts.inbox.load().catch(() => undefined);
    return () => {
      parts.chat.dispose();
      parts.connection.close();
    };
  }, [parts]);
  return parts;
}

export function Home({ account, onSignOut }: { account: Account; onSignOut: () => void }) {
  const { api, inbox } = useCustomerSession(account, onSignOut);
  useObservable(inbox);
  const [selection, setSelection] = useState<Selection>(null);
  const narrow = useNarrow();
  const pageVisible = usePageVisible();

  const session = selection && 'sessionId' in selection ? inbox.get(selection.sessionId) : undefined;
  const organization = session?.organization ?? (selection && 'draft' in selection ? selection.draft : undefined);
  const unread = inbox.totalUnread();

  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Raasel` : 'Raasel';
  }, [unread]);

  function pick(org: PublicOrganization) {
    const existing = inbox.openWith(org.id);
    if (existing) {
      setSelection({ sessionId: existing.id });
      return;
    }
    setSelection({ draft: org });
    // The directory lists an organization nobody of which is online without its teams: its
    // profile has them, for the customer to choose from.
    api.discover(org.domain).then(
      ({ organization }) => setSelection((now) => (now && 'draft' in now && now.draft.id === organization.id ? { draft: organization } : now)),
      () => undefined,
    );
  }

  const showList = !narrow || !selection;
  const showPane = !narrow || !!selection;
  return (
    <div class="app">
      <header class="topbar">
        <span class="brand">Raasel</span>
        <span class="spacer" />
        <span class="muted small who">Signed in as {displayName(account.client)}</span>
        <button type="button" class="btn" onClick={onSignOut}>
          Log out
        </button>
      </header>
      <div class="app-body">
        {showList && (
          <aside class="sidebar" aria-label="Organizations and conversations">
            <Directory api={api} onPick={pick} />
            <ConversationList
              inbox={inbox}
              selectedId={session?.id ?? null}
              onSelect={(id) => setSelection({ sessionId: id })}
            />
          </aside>
        )}
        {showPane && (
          <main class="pane" aria-label="Conversation">
            {organization ? (
              <>
                <div class="pane-header">
                  {narrow && (
                    <button type="button" class="btn" onClick={() => setSelection(null)} aria-label="Back to conversations">
                      ←
                    </button>
                  )}
                  <div>
                    <h2 class="pane-title">{organization.name}</h2>
                    <p class="muted small" data-answerer="true">
                      {answererLine(session, organization)}
                    </p>
                  </div>
                </div>
                <CustomerChat
                  key={session?.id ?? `draft-${organization.id}`}
                  inbox={inbox}
                  session={session}
                  organization={organization}
                  visible={pageVisible}
                  onStarted={(id) => setSelection({ sessionId: id })}
                />
              </>
            ) : (
              <div class="empty">
                <h2>Welcome, {displayName(account.client)}</h2>
                <p>Search the directory for an organization to chat with, or open one of your conversations.</p>
              </div>
            )}
          </main>
        )}
      </div>
    </div>
  );
}
