// The signed-in customer's screen: the directory and their conversations beside the open one
// (one pane at a time on a phone).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, errorText } from '../shared/api';
import { ChatClient } from '../shared/chat-client';
import { openConnection } from '../shared/connection';
import { useNarrow, useObservable, usePageVisible } from '../shared/hooks';
import { currentLocale, dirOf, t } from '../shared/i18n';
import { Inbox } from '../shared/inbox';
import { localMarks } from '../shared/storage';
import type { PublicOrganization } from '../shared/types';
import { thisBrowser, thisPage, visitContext } from '../shared/visit-context';
import { CustomerChat, answererLine } from '../shared/ui/CustomerChat';
import { ConversationList } from './ConversationList';
import { Directory } from './Directory';
import { type Account, displayName } from './account';
import { type EmailLink, forgetLink } from './link';

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

interface HomeProps {
  account: Account;
  /** The link from an e-mail the app was opened with, if any. */
  link: EmailLink | null;
  onSignOut: () => void;
}

export function Home({ account, link, onSignOut }: HomeProps) {
  const { api, inbox } = useCustomerSession(account, onSignOut);
  useObservable(inbox);
  const [selection, setSelection] = useState<Selection>(null);
  /** The conversation the link opened, and what went wrong with it. */
  const [linked, setLinked] = useState<string | null>(null);
  const [linkError, setLinkError] = useState('');

  useEffect(() => {
    if (!link) return;
    api.call('post', '/api/email-links/redeem', { body: { token: link.token } }).then(
      ({ session_id }) => {
        setLinked(session_id);
        setSelection({ sessionId: session_id });
        // It may be older than the list loaded so far.
        if (!inbox.get(session_id)) void inbox.load();
      },
      (e) => setLinkError(e instanceof ApiError && e.status === 401 ? t('resume.invalid') : errorText(e)),
    );
    forgetLink();
  }, []);
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
        <span class="muted small who">{t('app.signedInAs', { name: displayName(account.client) })}</span>
        <button type="button" class="btn" onClick={onSignOut}>
          {t('app.logOut')}
        </button>
      </header>
      {linkError && (
        <p class="error-text banner" role="alert" data-link-error="">
          {linkError}
        </p>
      )}
      <div class="app-body">
        {showList && (
          <aside class="sidebar" aria-label={t('app.sidebar')}>
            <Directory api={api} onPick={pick} />
            <ConversationList
              inbox={inbox}
              selectedId={session?.id ?? null}
              onSelect={(id) => setSelection({ sessionId: id })}
            />
          </aside>
        )}
        {showPane && (
          <main class="pane" aria-label={t('app.conversation')}>
            {organization ? (
              <>
                <div class="pane-header">
                  {narrow && (
                    <button type="button" class="btn" onClick={() => setSelection(null)} aria-label={t('app.backToList')}>
                      {dirOf(currentLocale()) === 'rtl' ? '→' : '←'}
                    </button>
                  )}
                  <div>
                    <h2 class="pane-title"><bdi>{organization.name}</bdi></h2>
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
                  presetScore={session && session.id === linked ? link?.rate : null}
                />
              </>
            ) : (
              <div class="empty">
                <h2>{t('app.welcome', { name: displayName(account.client) })}</h2>
                <p>{t('app.welcomeText')}</p>
              </div>
            )}
          </main>
        )}
      </div>
    </div>
  );
}
