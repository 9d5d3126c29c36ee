// The widget's chat window (inside the iframe): finds the organization and the visitor, then
// shows the visitor's newest conversation (or, on request, all of them, or a new one), in the
// visitor's language, and keeps the loader told about unread messages, new messages of the
// organization and whether a conversation is open.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, errorText } from '../shared/api';
import { dotClass } from '../shared/availability';
import { ChatClient } from '../shared/chat-client';
import { safeColor, textOn } from '../shared/color';
import { openConnection } from '../shared/connection';
import { preview, textOrFiles } from '../shared/format';
import { useObservable, usePageVisible } from '../shared/hooks';
import { type Locale, chooseLocale, setLocale, t } from '../shared/i18n';
import { Inbox, type StartExtra } from '../shared/inbox';
import { localMarks } from '../shared/storage';
import { answeredBy } from '../shared/teams';
import type { PublicOrganization } from '../shared/types';
import { CustomerChat, answererLine } from '../shared/ui/CustomerChat';
import { type PageInfo, thisBrowser, thisPage, visitContext } from '../shared/visit-context';
import { type ParentOrigin, connectToLoader, framed, hostPage, tellLoader } from './bridge';
import { History } from './History';
import type { WidgetParams } from './params';
import { type Visitor, type VisitorStore, ensureVisitor, frameStore, openVisitorStore, redeemLink } from './visitor';

function applyBrand(color: string): void {
  const accent = safeColor(color);
  const style = document.documentElement.style;
  style.setProperty('--accent', accent);
  style.setProperty('--on-accent', textOn(accent));
}

/** The language of this window: the site's choice, the browser's, the organization's default. */
function windowLocale(siteChoice: string, profile: PublicOrganization | null): Locale {
  return chooseLocale([siteChoice, ...navigator.languages, profile?.default_locale]);
}

/** A link's token is used once: a reload of the page shows the visitor's chat as usual. */
function forgetLink(): void {
  const url = new URL(location.href);
  url.searchParams.delete('resume');
  url.searchParams.delete('rate');
  history.replaceState(null, '', url);
}

/** Shown instead of the chat when the page framing this window is not the one the loader named. */
export function Refused() {
  return (
    <div class="widget">
      <p class="widget-error" role="alert" data-refused="">
        {t('widget.refused')}
      </p>
    </div>
  );
}

/**
 * `parentOrigin`: the verified embedder's origin, or null when opened on its own; `early`: the
 * language the site or the browser asked for, loading (what shows before the profile is here).
 */
export function WidgetApp({ params, parentOrigin, early }: { params: WidgetParams; parentOrigin: ParentOrigin; early: Promise<Locale> }) {
  const [profile, setProfile] = useState<PublicOrganization | null>(null);
  const [visitor, setVisitor] = useState<Visitor | null>(null);
  const [store, setStore] = useState<VisitorStore | null>(null);
  const [attempt, setAttempt] = useState(0);
  /** Why there is no chat: a link that did not work, or the server's words. */
  const [error, setError] = useState<{ link: true } | { message: string } | null>(null);
  const [open, setOpen] = useState(params.open);
  const [siteLocale, setSiteLocale] = useState(params.locale);
  /** The language whose texts are loaded and shown (null until then). */
  const [locale, setShownLocale] = useState<Locale | null>(null);
  /** The conversation a link from an e-mail opened. */
  const [linked, setLinked] = useState<string | null>(null);
  const [, setEarlyLocale] = useState<Locale | null>(null);

  // A problem shown before the profile is here is shown in the language asked for so far.
  useEffect(() => {
    void early.then(setEarlyLocale);
  }, []);

  useEffect(() => {
    const loader = connectToLoader(parentOrigin, { onOpen: setOpen, onLocale: setSiteLocale });
    const own = frameStore(params, parentOrigin ?? location.origin);
    void openVisitorStore(own, parentOrigin, loader.init.then((init) => init?.kept ?? null)).then(setStore);
    return loader.stop;
  }, []);

  useEffect(() => {
    if (!store) return;
    const api = new Api('');
    const who = params.resume && !attempt ? redeemLink(api, params.resume, params, store) : ensureVisitor(api, params, store).then((v) => ({ visitor: v, sessionId: null }));
    Promise.all([api.discover(params.domain), who])
      .then(([{ organization }, { visitor: v, sessionId }]) => {
        applyBrand(organization.widget_color);
        setProfile(organization);
        setVisitor(v);
        setLinked(sessionId);
        if (params.resume) forgetLink();
      })
      .catch((e) => setError(params.resume && e instanceof ApiError && e.status === 401 ? { link: true } : { message: errorText(e) }));
  }, [store, attempt]);

  // The organization's default language counts only once its profile is here.
  const wanted = profile ? windowLocale(siteLocale, profile) : null;
  useEffect(() => {
    if (wanted) void setLocale(wanted).then(setShownLocale);
  }, [wanted]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) tellLoader(parentOrigin, { type: 'close' });
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
        <p class="error-text widget-error" role="alert" data-widget-error="">
          {'link' in error ? t('resume.invalid') : t('widget.unavailable', { error: error.message })}
        </p>
      </div>
    );
  }
  if (!profile || !visitor || !locale) return <div class="widget" aria-busy="true" />;
  return (
    <VisitorChat
      key={visitor.token}
      params={params}
      parentOrigin={parentOrigin}
      profile={profile}
      visitor={visitor}
      open={open}
      locale={locale}
      linked={linked}
      onUnauthorized={restart}
      onProfile={setProfile}
    />
  );
}

interface ChatProps {
  params: WidgetParams;
  parentOrigin: ParentOrigin;
  profile: PublicOrganization;
  visitor: Visitor;
  open: boolean;
  /** The language shown (a change re-renders the texts). */
  locale: Locale;
  /** The conversation a link from an e-mail opened, shown first (with its score preselected). */
  linked: string | null;
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

/** What is on screen: the newest conversation (none chosen), one chosen, a new one, or the list. */
type View = { kind: 'newest' } | { kind: 'session'; id: string; fromList: boolean } | { kind: 'new' } | { kind: 'list' };

function VisitorChat({ params, parentOrigin, profile, visitor, open, linked, onUnauthorized, onProfile }: ChatProps) {
  const { api, connection, chat, inbox } = useVisitorSession(visitor, onUnauthorized);
  useObservable(inbox, chat);
  const pageVisible = usePageVisible();
  const [view, setView] = useState<View>(linked ? { kind: 'session', id: linked, fromList: false } : { kind: 'newest' });
  const session =
    view.kind === 'session' ? inbox.get(view.id) : view.kind === 'newest' ? inbox.sessions[0] : undefined;
  const unread = inbox.totalUnread();
  const hasConversation = inbox.sessions.some((s) => s.status !== 'closed');
  const readOnly = view.kind === 'session' && view.fromList && session?.status === 'closed';
  const reconnecting = !chat.connected && chat.everConnected;

  useEffect(() => {
    tellLoader(parentOrigin, { type: 'state', unread, conversation: hasConversation });
  }, [unread, hasConversation]);

  // The site hears of each new message of the organization (and shows its preview when closed).
  useEffect(
    () =>
      chat.onMessage((m, isNew) => {
        if (!isNew || m.sender_type !== 'agent' || m.internal) return;
        tellLoader(parentOrigin, { type: 'message', message: { session_id: m.session_id, preview: preview(textOrFiles(m), 140), sender_name: m.sender_name } });
      }),
    [chat],
  );

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
    if (open && view.kind !== 'list') document.getElementById('composer-text')?.focus();
  }, [open]);

  const startNew = () => setView({ kind: 'new' });

  return (
    <div class="widget">
      <header class="widget-header">
        {view.kind === 'list' ? (
          <HeaderButton label={t('widget.back')} onClick={() => setView({ kind: 'newest' })} data="back">
            <path d="M15 5l-7 7 7 7" stroke="currentColor" stroke-width="2.2" fill="none" class="flip" />
          </HeaderButton>
        ) : (
          inbox.sessions.length > 0 && (
            <HeaderButton label={t('widget.history')} onClick={() => setView({ kind: 'list' })} data="history">
              <path d="M4 6h16M4 12h16M4 18h10" stroke="currentColor" stroke-width="2.2" fill="none" />
            </HeaderButton>
          )
        )}
        <div class="widget-heading">
          <h1 class="widget-title"><bdi>{profile.name}</bdi></h1>
          {reconnecting ? (
            <p class="widget-status" data-connection="lost" role="status">
              <span class="dot dot-reconnecting" aria-hidden="true" /> {t('widget.reconnecting')}
            </p>
          ) : (
            <p class="widget-status" data-answerer="true" data-connection="ok">
              <span class={dotClass(answeredBy(profile, session?.team_id))} aria-hidden="true" /> {answererLine(session, profile)}
            </p>
          )}
        </div>
        {/* Opened on its own (a link from an e-mail), the window is the page: nothing to close. */}
        {framed && (
          <HeaderButton label={t('widget.close')} onClick={() => tellLoader(parentOrigin, { type: 'close' })} data="close">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" fill="none" />
          </HeaderButton>
        )}
      </header>
      {!inbox.loaded ? (
        <div class="messages" aria-busy="true" />
      ) : view.kind === 'list' ? (
        <History inbox={inbox} onOpen={(id) => setView({ kind: 'session', id, fromList: true })} onNew={startNew} />
      ) : (
        <CustomerChat
          key={session?.id ?? 'new'}
          inbox={inbox}
          session={session}
          organization={profile}
          visible={open && pageVisible}
          onStarted={(id) => setView({ kind: 'session', id, fromList: false })}
          preselectedTeam={params.team}
          readOnly={readOnly ? { onNew: startNew } : undefined}
          presetScore={session && session.id === linked ? params.rate : null}
          known={{ name: visitor.client.name ?? params.name, email: visitor.client.email ?? params.email }}
          // The document types a free-form object as having no keys.
          opening={params.attributes ? { attributes: params.attributes as StartExtra['attributes'] } : undefined}
        />
      )}
    </div>
  );
}

function HeaderButton({ label, onClick, data, children }: { label: string; onClick: () => void; data: string; children: preact.ComponentChildren }) {
  return (
    <button type="button" class="widget-icon" aria-label={label} onClick={onClick} data-header-button={data}>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        {children}
      </svg>
    </button>
  );
}
