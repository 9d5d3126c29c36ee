// The console's frame: top bar (status switch, alerts, my account, sign out), navigation with
// counts and who of the team is online, and the current view. The admins' settings screen loads
// when opened. The access token is renewed as it runs out (token-refresh.ts); a sign-in the
// server ends (the refresh refused) signs the agent out.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from '../shared/api';
import { ChatClient } from '../shared/chat-client';
import { openConnection } from '../shared/connection';
import { useNarrow, useObservable, usePageVisible } from '../shared/hooks';
import { localMarks } from '../shared/storage';
import { AccountButton } from './AccountButton';
import { AgentsAdmin } from './AgentsAdmin';
import { ConnectionStatus } from './ConnectionStatus';
import { AlertSettings, StatusSwitch } from './Controls';
import { ConversationPane } from './ConversationPane';
import { SessionList } from './SessionList';
import { TeamOnline } from './TeamOnline';
import type { AgentAccount } from './account';
import { Notifier } from './notifier';
import { type Route, type View, href, isListView, parseRoute } from './route';
import { Workspace } from './workspace';
import { CustomerPanel } from './CustomerPanel';
import { SearchDialog } from './SearchDialog';
import { Shortcuts } from './Shortcuts';
import { ToolPage } from './ToolPages';
import { TopbarTools } from './TopbarTools';
import { ToolsContext, useAgentTools } from './tools';
import { lazy } from './Lazy';
import { signInOf } from './token-claims';
import { TokenKeeper } from './token-refresh';

const SettingsAdmin = lazy(() => import('./SettingsAdmin').then((m) => m.SettingsAdmin));

/** One sign-in's workspace: a renewed token changes the account, not the workspace. */
function useWorkspace(account: AgentAccount, onSignOut: () => void, onRenewed: (account: AgentAccount) => void) {
  const parts = useMemo(() => {
    const keeper = new TokenKeeper(account, { onRenewed, onSignedOut: onSignOut });
    const api = new Api('', account.token);
    const connection = openConnection('', keeper.handshake, keeper.socketRefused);
    keeper.start(api, connection);
    const orgId = account.agent.organization_id;
    // Delivered marks of conversations not open here are the workspace's (it knows the lists).
    const chat = new ChatClient(connection.port, {
      side: 'agent',
      selfId: account.agent.id,
      markStore: localMarks('agent'),
      joinRoom: async (sessionId) => {
        await connection.port.request('join_organization', { organization_id: orgId, session_id: sessionId }, 10_000);
      },
    });
    const notifier = new Notifier();
    const workspace = new Workspace(account.agent, api, chat, connection.port, notifier);
    return { api, connection, chat, notifier, workspace, keeper };
  }, [signInOf(account.agent.id, account.token)]);
  useEffect(
    () => () => {
      parts.keeper.stop();
      parts.chat.dispose();
      parts.connection.close();
      parts.notifier.setCount(0);
    },
    [parts],
  );
  return parts;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

interface Props {
  account: AgentAccount;
  onSignOut: () => void;
  /** A new token for this agent (turning on the second factor signs in again). */
  onRenewed: (account: AgentAccount) => void;
}

/**
 * Ends this device on the server (its token stops working everywhere, its refresh cookie is
 * cleared), then leaves.
 */
function logOut(api: Api, keeper: TokenKeeper, onSignOut: () => void) {
  keeper.stop();
  // Leaving does not wait: offline, the device ends when it is not refreshed for long.
  api.call('post', '/api/agents/logout', {}).catch(() => undefined);
  onSignOut();
}

export function WorkspaceView({ account, onSignOut, onRenewed }: Props) {
  const { api, chat, connection, notifier, workspace, keeper } = useWorkspace(account, onSignOut, onRenewed);
  const tools = useAgentTools(api, connection.port, workspace);
  useObservable(workspace, chat, tools);
  const route = useRoute();
  const narrow = useNarrow(900);
  const pageVisible = usePageVisible();
  const { view, sessionId } = route;

  useEffect(() => {
    const seen = pageVisible && isListView(view) ? sessionId : null;
    workspace.setViewing(seen);
    if (!seen) return;
    chat.setVisible(seen, true);
    return () => chat.setVisible(seen, false);
  }, [sessionId, view, pageVisible]);

  // `quiet`: a count that needs no attention now (snoozed conversations come back by themselves).
  const nav: { view: View; label: string; short?: string; count?: number; quiet?: boolean; show: boolean }[] = [
    { view: 'queue', label: 'Queue', count: workspace.queue().length, show: true },
    { view: 'mine', label: 'My conversations', short: 'Mine', count: workspace.mine().length, show: true },
    { view: 'snoozed', label: 'Snoozed', count: workspace.snoozed().length, quiet: true, show: true },
    { view: 'all', label: 'All conversations', short: 'All', show: workspace.canSeeAll },
    { view: 'team', label: workspace.isAdmin ? 'Agents' : 'Team', show: true },
    { view: 'teams', label: 'Teams', show: workspace.isAdmin },
    { view: 'settings', label: 'Settings', show: workspace.isAdmin },
    { view: 'replies', label: 'Canned replies', short: 'Replies', show: true },
    { view: 'labels', label: 'Labels', show: workspace.isAdmin },
    { view: 'reports', label: 'Reports', show: true },
    { view: 'webhooks', label: 'Webhooks', show: workspace.isAdmin },
    { view: 'tokens', label: 'API tokens', show: workspace.isAdmin },
    { view: 'sso', label: 'Single sign-on', show: workspace.isAdmin },
    { view: 'audit', label: 'Audit log', show: workspace.isAdmin },
  ];
  const listView = isListView(view);
  const showList = listView && (!narrow || !sessionId);
  const showPane = listView && (!narrow || !!sessionId);

  return (
    <ToolsContext.Provider value={tools}>
    <div class="console">
      <header class="topbar">
        <span class="brand">Raasel</span>
        <span class="org-label muted">{workspace.org?.name ?? ''}</span>
        <span class="spacer" />
        <TopbarTools />
        <ConnectionStatus chat={chat} socket={connection.socket} />
        <StatusSwitch workspace={workspace} />
        <AlertSettings notifier={notifier} />
        <AccountButton name={workspace.me.name} onRenewed={onRenewed} onSignOut={onSignOut} />
        <button type="button" class="btn" onClick={() => logOut(api, keeper, onSignOut)}>
          Log out
        </button>
      </header>
      <div class="console-body">
        <nav class="console-nav" aria-label="Console">
          <ul>
            {nav
              .filter((n) => n.show)
              .map((n) => (
                <li key={n.view}>
                  <a href={href(n.view)} class={view === n.view ? 'nav-link active' : 'nav-link'} aria-current={view === n.view ? 'page' : undefined}>
                    <span>{narrow && n.short ? n.short : n.label}</span>
                    {n.count !== undefined && n.count > 0 && (
                      <span class={n.quiet ? 'badge badge-quiet' : 'badge'} data-count={n.view}>
                        {n.count}
                      </span>
                    )}
                  </a>
                </li>
              ))}
          </ul>
          {!narrow && <TeamOnline workspace={workspace} />}
        </nav>
        {showList && <SessionList workspace={workspace} view={view} selectedId={sessionId} />}
        {showPane &&
          (sessionId ? (
            <ConversationPane key={sessionId} workspace={workspace} sessionId={sessionId} backHref={narrow ? href(view) : null} />
          ) : (
            <main class="pane empty-pane">
              <p class="empty">Choose a conversation.</p>
            </main>
          ))}
        {showPane && sessionId && tools.panelOpen && <CustomerPanel sessionId={sessionId} />}
        {view === 'team' && (
          <main class="page">
            {workspace.isAdmin ? <AgentsAdmin api={api} workspace={workspace} /> : <TeamOnline workspace={workspace} wide />}
          </main>
        )}
        {view === 'settings' && workspace.isAdmin && (
          <main class="page">
            <SettingsAdmin api={api} workspace={workspace} />
          </main>
        )}
        <ToolPage view={view} />
      </div>
      <Shortcuts />
      {tools.searchOpen && <SearchDialog />}
    </div>
    </ToolsContext.Provider>
  );
}
