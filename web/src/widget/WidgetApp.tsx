// The widget's chat window (inside the iframe): finds the organization and the visitor, then
// shows the visitor's newest conversation, and keeps the loader told about unread messages and
// whether a conversation is open.

import { dotClass } from '../shared/availability';
import { answeredBy } from '../shared/teams';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, errorText } from '../shared/api';
import { ChatClient } from '../shared/chat-client';
import { safeColor, textOn } from '../shared/color';
import { openConnection } from '../shared/connection';
import { useObservable, usePageVisible } from '../shared/hooks';
import { Inbox } from '../shared/inbox';
import { localMarks } from '../shared/storage';
import type { PublicOrganization } from '../shared/types';
import { CustomerChat, answererLine } from '../shared/ui/CustomerChat';
import { type PageInfo, thisBrowser, thisPage, visitContext } from '../shared/visit-context';
import { type ParentOrigin, connectToLoader, framed, hostPage, tellLoader } from './bridge';
import type { WidgetParams } from './params';
import { type Visitor, type VisitorStore, ensureVisitor, frameStore, openVisitorStore } from './visitor';

function applyBrand(color: string): void {
  const accent = safeColor(color);
  const style = document.documentElement.style;
  style.setProperty('--accent', accent);
  style.setProperty('--on-accent', textOn(accent));
}

/** Shown instead of the chat when the page framing this window is not the one the loader named. */
export function Refused() {
  return (
    <div class="widget">
      <p class="widget-error" role="alert" data-refused="">
        This chat cannot be shown on this page.
      </p>
    </div>
  );
}

/** `parentOrigin`: the verified embedder's origin, or null when opened on its own. */
export function WidgetApp({ params, parentOrigin }: { params: WidgetParams; parentOrigin: ParentOrigin }) {
  const [profile, setProfile] = useState<PublicOrganization | null>(null);
  const [visitor, setVisitor] = useState<Visitor | null>(null);
  const [store, setStore] = useState<VisitorStore | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [error, setError] = useState('');
  const [open, setOpen] = useState(params.open);

  useEffect(() => {
    const loader = connectToLoader(parentOrigin, setOpen);
    const own = frameStore(params, parentOrigin ?? location.origin);
    void openVisitorStore(own, parentOrigin, loader.init.then((init) => init?.kept ?? null)).then(setStore);
    return loader.stop;
  }, []);

  useEffect(() => {
    if (!store) return;
    const api = new Api('');
    Promise.all([api.discover(params.domain), ensureVisitor(api, params, store)])
      .then(([{ organization }, v]) => {
        applyBrand(organization.widget_color);
        setProfile(organization);
        setVisitor(v);
      })
      .catch((e) => setError(errorText(e)));
  }, [store, attempt]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') tellLoader(parentOrigin, { type: 'close' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  function restart() {
    store?.save(null);
    setVisitor(null);
    setAttempt((n) => n + 1);
  }

  if (error) {
    return (
      <div class="widget">
        <p class="error-text widget-error" role="alert">
          The chat is not available right now. {error}
        </p>
      </div>
    );
  }
  if (!profile || !visitor) return <div class="widget" aria-busy="true" />;
  return (
    <VisitorChat key={visitor.token} params={params} parentOrigin={parentOrigin} profile={profile} visitor={visitor} open={open} onUnauthorized={restart} onProfile={setProfile} />
  );
}

interface ChatProps {
  params: WidgetParams;
  parentOrigin: ParentOrigin;
  profile: PublicOrganization;
  visitor: Visitor;
  open: boolean;
  onUnauthorized: () => void;
  onProfile: (profile: PublicOrganization) => void;
}

/**
 * The page the visitor is on: the host page as the loader describes it. A loader that did not
 * say (an older copy cached by the site) leaves only the host's origin, which the browser gives
 * as this window's referrer; a window opened on its own is itself the page.
 */
function visitedPage(): PageInfo | null {
  const described = hostPage();
  if (described) return described;
  if (!framed) return thisPage();
  return document.referrer ? { url: document.referrer, title: '', referrer: '' } : null;
}

function useVisitorSession(visitor: Visitor, onUnauthorized: () => void) {
  const parts = useMemo(() => {
    const api = new Api('', visitor.token);
    const connection = openConnection('', visitor.token, onUnauthorized);
    const chat = new ChatClient(connection.port, {
      side: 'client',
      selfId: visitor.client.id,
      markStore: localMarks('client'),
      deliveredWhenClosed: () => true,
    });
    const inbox = new Inbox(api, chat, connection.port, () => visitContext(visitedPage(), thisBrowser()));
    return { api, connection, chat, inbox };
  }, [visitor.token]);
  useEffect(() => {
    parts.inbox.load().catch((e) => {
      if (e instanceof ApiError && e.status === 401) onUnauthorized();
    });
    return () => {
      parts.chat.dispose();
      parts.connection.close();
    };
  }, [parts]);
  return parts;
}

function VisitorChat({ params, parentOrigin, profile, visitor, open, onUnauthorized, onProfile }: ChatProps) {
  const { api, connection, inbox } = useVisitorSession(visitor, onUnauthorized);
  useObservable(inbox);
  const pageVisible = usePageVisible();
  const [startedId, setStartedId] = useState<string | null>(null);
  const session = inbox.get(startedId) ?? inbox.sessions[0];
  const unread = session?.unread_count ?? 0;
  const hasConversation = !!session && session.status !== 'closed';

  useEffect(() => {
    tellLoader(parentOrigin, { type: 'state', unread, conversation: hasConversation });
  }, [unread, hasConversation]);

  useEffect(() => {
    const refresh = () => api.discover(params.domain).then(({ organization }) => {
      applyBrand(organization.widget_color);
      onProfile(organization);
    }, () => undefined);
    connection.socket.on('connect', refresh);
    return () => {
      connection.socket.off('connect', refresh);
    };
  }, [connection]);

  useEffect(() => {
    if (open) document.getElementById('composer-text')?.focus();
  }, [open]);

  return (
    <div class="widget">
      <header class="widget-header">
        <div>
          <h1 class="widget-title">{profile.name}</h1>
          <p class="widget-status" data-answerer="true">
            <span class={dotClass(answeredBy(profile, session?.team_id))} aria-hidden="true" /> {answererLine(session, profile)}
          </p>
        </div>
        <button type="button" class="widget-close" aria-label="Close chat" onClick={() => tellLoader(parentOrigin, { type: 'close' })}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" fill="none" />
          </svg>
        </button>
      </header>
      {inbox.loaded ? (
        <CustomerChat
          key={session?.id ?? 'new'}
          inbox={inbox}
          session={session}
          organization={profile}
          visible={open && pageVisible}
          onStarted={setStartedId}
          preselectedTeam={params.team}
        />
      ) : (
        <div class="messages" aria-busy="true" />
      )}
    </div>
  );
}
