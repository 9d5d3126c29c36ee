// The console's location: a view and maybe an open conversation, kept in the URL hash
// (#/queue, #/mine/<session id>, #/snoozed, #/settings, #/replies, #/labels, #/teams) so reloads and the back
// button work.

export type View = 'queue' | 'mine' | 'snoozed' | 'all' | 'team' | 'teams' | 'settings' | 'replies' | 'labels' | 'reports' | 'webhooks' | 'tokens' | 'sso' | 'audit';

export interface Route {
  view: View;
  sessionId: string | null;
}

const VIEWS: View[] = ['queue', 'mine', 'snoozed', 'all', 'team', 'teams', 'settings', 'replies', 'labels', 'reports', 'webhooks', 'tokens', 'sso', 'audit'];

export function parseRoute(hash: string): Route {
  const [view, sessionId] = hash.replace(/^#\/?/, '').split('/');
  return {
    view: VIEWS.includes(view as View) ? (view as View) : 'queue',
    sessionId: sessionId || null,
  };
}

export function href(view: View, sessionId?: string | null): string {
  return sessionId ? `#/${view}/${sessionId}` : `#/${view}`;
}

/** Views that list conversations beside the open one. */
export function isListView(view: View): boolean {
  return view === 'queue' || view === 'mine' || view === 'snoozed' || view === 'all';
}
