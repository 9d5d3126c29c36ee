// The workspace's own pages (canned replies for everyone; labels, teams, webhooks, API tokens, single
// sign-on and the audit log for admins), loaded
// when first opened, and the customer panel's toggle in a conversation's header.

import { useObservable } from '../shared/hooks';
import { lazy } from './Lazy';
import type { View } from './route';
import { useTools } from './tools';

const CannedRepliesAdmin = lazy(() => import('./CannedRepliesAdmin').then((m) => m.CannedRepliesAdmin));
const LabelsAdmin = lazy(() => import('./LabelsAdmin').then((m) => m.LabelsAdmin));
const TeamsAdmin = lazy(() => import('./TeamsAdmin').then((m) => m.TeamsAdmin));
const WebhooksAdmin = lazy(() => import('./WebhooksAdmin').then((m) => m.WebhooksAdmin));
const ReportsPage = lazy(() => import('./ReportsPage').then((m) => m.ReportsPage));
const AuditPage = lazy(() => import('./AuditPage').then((m) => m.AuditPage));
const TokensAdmin = lazy(() => import('./TokensAdmin').then((m) => m.TokensAdmin));
const SsoAdmin = lazy(() => import('./SsoAdmin').then((m) => m.SsoAdmin));

export function ToolPage({ view }: { view: View }) {
  const tools = useTools();
  if (view === 'replies') {
    return (
      <main class="page">
        <CannedRepliesAdmin />
      </main>
    );
  }
  if (view === 'labels') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <LabelsAdmin />
        ) : (
          <div class="admin">
            <h1>Labels</h1>
            <p class="muted">Only admins manage labels.</p>
          </div>
        )}
      </main>
    );
  }
  if (view === 'teams') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <TeamsAdmin />
        ) : (
          <div class="admin">
            <h1>Teams</h1>
            <p class="muted">Only admins manage teams.</p>
          </div>
        )}
      </main>
    );
  }
  if (view === 'reports') {
    return (
      <main class="page">
        <ReportsPage />
      </main>
    );
  }
  if (view === 'tokens') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <TokensAdmin />
        ) : (
          <div class="admin">
            <h1>API tokens</h1>
            <p class="muted">Only admins make API tokens.</p>
          </div>
        )}
      </main>
    );
  }
  if (view === 'sso') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <SsoAdmin />
        ) : (
          <div class="admin">
            <h1>Single sign-on</h1>
            <p class="muted">Only admins set up single sign-on.</p>
          </div>
        )}
      </main>
    );
  }
  if (view === 'audit') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <AuditPage />
        ) : (
          <div class="admin">
            <h1>Audit log</h1>
            <p class="muted">Only admins read the audit log.</p>
          </div>
        )}
      </main>
    );
  }
  if (view === 'webhooks') {
    return (
      <main class="page">
        {tools.workspace.isAdmin ? (
          <WebhooksAdmin />
        ) : (
          <div class="admin">
            <h1>Webhooks</h1>
            <p class="muted">Only admins manage webhooks.</p>
          </div>
        )}
      </main>
    );
  }
  return null;
}

export function PanelToggle() {
  const tools = useTools();
  useObservable(tools);
  return (
    <button
      type="button"
      class={tools.panelOpen ? 'btn btn-small panel-toggle active' : 'btn btn-small panel-toggle'}
      aria-expanded={tools.panelOpen ? 'true' : 'false'}
      aria-controls={tools.panelOpen ? 'customer-panel' : undefined}
      onClick={() => tools.setPanelOpen(!tools.panelOpen)}
    >
      Customer details
    </button>
  );
}
