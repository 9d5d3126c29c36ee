// The agent's workspace tools around the conversation lists: labels, canned replies, mentions,
// the list filter, the search dialog, the shortcuts overlay, the customer panel and "open this
// conversation at that message". One set per signed-in console, handed to the screens through
// a context so the existing screens only render them.

import { createContext } from 'preact';
import { useContext, useEffect, useMemo } from 'preact/hooks';
import type { Api } from '../shared/api';
import type { SocketPort } from '../shared/chat-client';
import { Observable } from '../shared/observable';
import { load, save } from '../shared/storage';
import type { Session } from '../shared/types';
import { CannedStore } from './canned-store';
import { LabelStore } from './labels-store';
import { ListView } from './list-view';
import { MentionStore } from './mention-store';
import { type View, href } from './route';
import type { Workspace } from './workspace';
// The tools' look, loaded with the workspace that uses them.
import './workspace-tools.css';

const PANEL_KEY = 'raasel.console.customer-panel';

export type ComposerMode = 'reply' | 'note';

/** A message to bring into view once its conversation is open. */
export interface MessageTarget {
  sessionId: string;
  seq: number;
}

export class AgentTools extends Observable {
  readonly labels: LabelStore;
  readonly canned: CannedStore;
  readonly mentions: MentionStore;
  readonly lists: ListView;
  searchOpen = false;
  helpOpen = false;
  /** The customer panel beside the conversation (remembered in this browser). */
  panelOpen: boolean;
  /** The last time a shortcut asked for the message box, and in which mode (counted, so the same mode can ask again). */
  composerAsk: { mode: ComposerMode; count: number } = { mode: 'reply', count: 0 };
  private target: MessageTarget | null = null;

  constructor(
    readonly api: Api,
    readonly port: SocketPort,
    readonly workspace: Workspace,
  ) {
    super();
    this.labels = new LabelStore(api);
    this.canned = new CannedStore(api);
    this.mentions = new MentionStore(api, port);
    this.lists = new ListView(workspace, port);
    const kept = load(PANEL_KEY);
    // Wide screens have room for it; on a phone it covers the chat, so it waits to be asked for.
    this.panelOpen = kept === null ? window.matchMedia('(min-width: 1400px)').matches : kept === '1';
    port.on('connect', () => void this.labels.load().catch(() => undefined));
  }

  /** Focuses the open conversation's message box, writing a reply or a private note. */
  askComposer(mode: ComposerMode): void {
    this.composerAsk = { mode, count: this.composerAsk.count + 1 };
    this.notify();
  }

  setSearchOpen(open: boolean): void {
    this.searchOpen = open;
    this.notify();
  }

  setHelpOpen(open: boolean): void {
    this.helpOpen = open;
    this.notify();
  }

  setPanelOpen(open: boolean): void {
    this.panelOpen = open;
    save(PANEL_KEY, open ? '1' : '0');
    this.notify();
  }

  /** The list a conversation is found in, so opening it keeps a list beside it. */
  viewFor(session: Pick<Session, 'status' | 'agent_id'> & { snoozed?: boolean }): View {
    if (session.status === 'waiting') return 'queue';
    if (session.status === 'active' && session.agent_id === this.workspace.me.id) return session.snoozed ? 'snoozed' : 'mine';
    return this.workspace.canSeeAll ? 'all' : 'mine';
  }

  /** Opens a conversation, at a message when `seq` is given (it is brought into view and marked). */
  open(session: Pick<Session, 'id' | 'status' | 'agent_id'> & { snoozed?: boolean }, seq: number | null = null): void {
    this.target = seq === null ? null : { sessionId: session.id, seq };
    this.notify();
    location.hash = href(this.viewFor(session), session.id);
  }

  /** The message to bring into view in this conversation, once (null: none). */
  takeTarget(sessionId: string): number | null {
    if (this.target?.sessionId !== sessionId) return null;
    const { seq } = this.target;
    this.target = null;
    return seq;
  }

  /** Whether a message target waits for this conversation (without taking it). */
  hasTarget(sessionId: string): boolean {
    return this.target?.sessionId === sessionId;
  }
}

export const ToolsContext = createContext<AgentTools | null>(null);

/** The console's tools (inside WorkspaceView's provider). */
export function useTools(): AgentTools {
  const tools = useContext(ToolsContext);
  if (!tools) throw new Error('useTools outside the console workspace');
  return tools;
}

/** Creates the tools of a signed-in console and loads what the first screen shows. */
export function useAgentTools(api: Api, port: SocketPort, workspace: Workspace): AgentTools {
  const tools = useMemo(() => new AgentTools(api, port, workspace), [workspace]);
  useEffect(() => {
    void tools.labels.load().catch(() => undefined);
    void tools.mentions.load().catch(() => undefined);
  }, [tools]);
  return tools;
}
