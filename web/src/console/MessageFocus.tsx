// What opening a conversation from a search result or a mention does beyond showing it: the
// message is loaded (older pages as needed), scrolled into the middle of the view and marked for a
// few seconds. Seeing a conversation also reads the mentions of me in it.

import { useEffect, useRef } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import { useTools } from './tools';

const MARK_MS = 3000;
const WAIT_MS = 10_000;

export function MessageFocus({ sessionId }: { sessionId: string }) {
  const tools = useTools();
  useObservable(tools, tools.mentions);
  const waiting = tools.hasTarget(sessionId);
  const unreadMentions = tools.mentions.unreadIn(sessionId);
  // Set when the conversation leaves the screen: a search for its message stops.
  const gone = useRef({ stopped: false });

  useEffect(() => {
    const stop = { stopped: false };
    gone.current = stop;
    return () => {
      stop.stopped = true;
    };
  }, [sessionId]);

  useEffect(() => {
    const seq = tools.takeTarget(sessionId);
    if (seq !== null) void bringIntoView(tools.workspace.chat, sessionId, seq, gone.current);
  }, [sessionId, waiting]);

  useEffect(() => {
    if (unreadMentions > 0) void tools.mentions.markRead(sessionId).catch(() => undefined);
  }, [sessionId, unreadMentions]);

  return null;
}

type Chat = ReturnType<typeof useTools>['workspace']['chat'];

async function bringIntoView(chat: Chat, sessionId: string, seq: number, stop: { stopped: boolean }): Promise<void> {
  const conv = chat.conversation(sessionId);
  const deadline = Date.now() + WAIT_MS;
  const until = async (done: () => boolean) => {
    while (!done() && !stop.stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return done();
  };
  if (!(await until(() => conv.loaded))) return;
  // Older pages until the message is among those loaded (or the beginning is reached).
  while (!stop.stopped && conv.hasOlder && conv.oldestSeq > seq && Date.now() < deadline) {
    if (!(await chat.loadOlder(sessionId))) break;
  }
  const selector = `.messages [data-seq="${seq}"]`;
  if (!(await until(() => !!document.querySelector(selector)))) return;
  const el = document.querySelector<HTMLElement>(selector)!;
  el.scrollIntoView({ block: 'center' });
  el.classList.add('found');
  el.setAttribute('data-found', 'true');
  setTimeout(() => {
    el.classList.remove('found');
    el.removeAttribute('data-found');
  }, MARK_MS);
}
