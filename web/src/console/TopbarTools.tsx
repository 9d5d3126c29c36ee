// The top bar's workspace buttons: search (also Ctrl/⌘+K) and mentions with the live count of
// unread ones. The mentions list loads when first opened.

import { useState } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import { lazy } from './Lazy';
import { useTools } from './tools';

const MentionsList = lazy(() => import('./MentionsList').then((m) => m.MentionsList));

export function TopbarTools() {
  const tools = useTools();
  useObservable(tools, tools.mentions);
  const [mentionsOpen, setMentionsOpen] = useState(false);
  const unread = tools.mentions.unread;
  return (
    <>
      <button type="button" class="btn topbar-search" onClick={() => tools.setSearchOpen(true)} aria-keyshortcuts="Control+K Meta+K">
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <circle cx="10.5" cy="10.5" r="6.5" stroke="currentColor" stroke-width="2.2" fill="none" />
          <path d="M15.5 15.5L21 21" stroke="currentColor" stroke-width="2.2" />
        </svg>
        <span class="topbar-label">Search</span>
      </button>
      <button type="button" class="btn mentions-button" onClick={() => setMentionsOpen(true)}>
        <span aria-hidden="true">@</span>
        <span class="topbar-label">Mentions</span>
        {unread > 0 && (
          <span class="badge" data-mentions-unread={unread}>
            {unread}
            <span class="sr-only"> unread</span>
          </span>
        )}
      </button>
      {mentionsOpen && <MentionsList onClose={() => setMentionsOpen(false)} />}
    </>
  );
}
