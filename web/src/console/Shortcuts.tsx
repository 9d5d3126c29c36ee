// The console's keyboard: one listener on the page turns key presses into actions (see
// shortcuts.ts) and shows the shortcuts overlay on `?`. Take, snooze (or wake) and close press the
// conversation's own buttons, so they ask and report exactly as a click does.

import { useEffect } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import { lazy } from './Lazy';
import type { ListName } from './list-filter';
import { type View, href, isListView, parseRoute } from './route';
import { type ShortcutAction, isTypingTarget, neighbour, shortcutFor } from './shortcuts';
import { type AgentTools, useTools } from './tools';

const ShortcutsHelp = lazy(() => import('./ShortcutsHelp').then((m) => m.ShortcutsHelp));

export function Shortcuts() {
  const tools = useTools();
  useObservable(tools);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A held key repeats only the moves through the list.
      if (e.defaultPrevented || (e.repeat && e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
      const action = shortcutFor(e, isTypingTarget(document.activeElement));
      if (!action) return;
      // A modal dialog (search, a question, the overlay) keeps its keys; Ctrl/⌘+K still finds the search box.
      if (document.querySelector('dialog[open]') && action !== 'search') return;
      e.preventDefault();
      // Where the console is right now (a key pressed just after another may beat the re-render).
      const { view, sessionId } = parseRoute(location.hash);
      run(tools, action, view, sessionId);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [tools]);

  return tools.helpOpen ? <ShortcutsHelp onClose={() => tools.setHelpOpen(false)} /> : null;
}

function run(tools: AgentTools, action: ShortcutAction, view: View, sessionId: string | null): void {
  switch (action) {
    case 'search':
      if (tools.searchOpen) document.querySelector<HTMLInputElement>('.search-input')?.focus();
      else tools.setSearchOpen(true);
      return;
    case 'help':
      tools.setHelpOpen(true);
      return;
    case 'next':
    case 'previous': {
      const list: ListName = isListView(view) ? (view as ListName) : 'queue';
      const ids = tools.lists.sessions(list).map((s) => s.id);
      const next = neighbour(ids, isListView(view) ? sessionId : null, action === 'next' ? 1 : -1);
      if (next) location.hash = href(list, next);
      return;
    }
    case 'reply':
    case 'note':
      if (sessionId) tools.askComposer(action);
      return;
    case 'take':
      pressPaneButton('Take');
      return;
    case 'snooze':
      pressPaneButton('Snooze') || pressPaneButton('Wake');
      return;
    case 'close':
      pressPaneButton('Close');
      return;
  }
}

/** Clicks the open conversation's button with this text, when it has one; whether it did. */
function pressPaneButton(text: string): boolean {
  const buttons = document.querySelectorAll<HTMLButtonElement>('.pane-actions button');
  const button = [...buttons].find((b) => b.textContent?.trim() === text && !b.disabled);
  button?.click();
  return !!button;
}
