// The real-time side of every surface: keeps the open conversations in step with the server over
// one socket. On (re)connect it rejoins session rooms, fills each conversation's gap from history
// by `seq` and resends unacknowledged messages with their original `client_msg_id`; a live
// message that skips a `seq` also triggers a fill. A history page that fails during a fill is
// asked for again with exponential backoff until it arrives (or the conversation is left); the
// conversation's `catchingUp` flag tells the screens meanwhile. Sends are optimistic and
// serialized per conversation, so messages keep their order. Marks and typing are sent from here
// too.

import type { AttachmentRef } from './attachments';
import { Conversation } from './conversation';
import { Observable } from './observable';
import type { Ack, HistoryPage, MarksEvent, Message, ReadState, Side, TypingEvent } from './types';

/** What the chat client needs of a socket; socket.io-client's Socket fits through `socketPort`. */
export interface SocketPort {
  readonly connected: boolean;
  on(event: string, handler: (payload: any) => void): void;
  off(event: string, handler: (payload: any) => void): void;
  /** Fire and forget (only called while connected). */
  emit(event: string, payload: unknown): void;
  /** Emit with an acknowledgement; rejects when none arrives within `timeoutMs`. */
  request<T = object>(event: string, payload: unknown, timeoutMs: number): Promise<Ack<T>>;
}

export interface ChatClientOptions {
  /** Which side this participant writes for. */
  side: Side;
  ackTimeoutMs?: number;
  /** Pause before resending after a transient refusal or a lost ack. */
  retryDelayMs?: number;
  /** Messages per history request. */
  pageSize?: number;
  /** Backoff between attempts of a failed history page: doubles from `initialMs` up to `maxMs`. */
  fillRetry?: { initialMs: number; maxMs: number };
  /** Jitter source in [0, 1) (tests make it fixed). */
  random?: () => number;
  /** My own id, so my typing seen from another tab is not shown to me. */
  selfId?: string;
  /** Keeps the other side's marks between page loads (the API does not return them). */
  markStore?: MarkStore;
  /**
   * Whether a message of a conversation not open here was still delivered to this person (a
   * customer: always; an agent: when the conversation is theirs). Default: never.
   */
  deliveredWhenClosed?: (message: Message) => boolean;
  /** Agents join a conversation's room to get its typing and marks; customers need not. */
  joinRoom?: (sessionId: string) => Promise<void> | void;
}

export interface MarkStore {
  load(sessionId: string): { delivered: number; read: number } | null;
  save(sessionId: string, marks: { delivered: number; read: number }): void;
}

type OptionalHooks = 'joinRoom' | 'selfId' | 'markStore' | 'deliveredWhenClosed';

/** Refusals after which a resend may succeed. */
const TRANSIENT = new Set(['rate_limited', 'internal', 'timeout']);
/** Failures of a history request after which asking again may succeed (others are for good). */
const RETRY_HISTORY = new Set([...TRANSIENT, 'offline']);
const TYPING_REFRESH_MS = 2500;

type MessageListener = (message: Message, isNew: boolean) => void;

export class ChatClient extends Observable {
  readonly conversations = new Map<string, Conversation>();
  private readonly visible = new Set<string>();
  private readonly filling = new Map<string, Promise<void>>();
  /** Conversations on screen somewhere (`open` until `leave`): their fills retry until done. */
  private readonly following = new Set<string>();
  /** Ends the pause of a fill waiting to retry (reconnect, leave, dispose). */
  private readonly wakers = new Map<string, () => void>();
  private readonly flushing = new Map<string, Promise<void>>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly opts: Required<Omit<ChatClientOptions, OptionalHooks>> & Pick<ChatClientOptions, OptionalHooks>;
  private disposed = false;
  /** The socket connected at least once (a later disconnect is a lost connection). */
  everConnected = false;

  constructor(
    private readonly socket: SocketPort,
    options: ChatClientOptions,
  ) {
    super();
    this.opts = {
      ackTimeoutMs: 10_000,
      retryDelayMs: 1_000,
      pageSize: 50,
      fillRetry: { initialMs: 500, maxMs: 10_000 },
      random: Math.random,
      ...options,
    };
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('new_message', this.onNewMessage);
    socket.on('messages_delivered', this.onDelivered);
    socket.on('messages_read', this.onRead);
    socket.on('typing_start', this.onTypingStart);
    socket.on('typing_stop', this.onTypingStop);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  dispose(): void {
    this.disposed = true;
    this.wakeAll();
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('new_message', this.onNewMessage);
    this.socket.off('messages_delivered', this.onDelivered);
    this.socket.off('messages_read', this.onRead);
    this.socket.off('typing_start', this.onTypingStart);
    this.socket.off('typing_stop', this.onTypingStop);
  }

  /** Every `new_message`, also of conversations not open here (lists use it). */
  onMessage(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => {
      this.messageListeners.delete(listener);
    };
  }

  /** The conversation's state, created on first use; `open` also loads it. */
  conversation(sessionId: string): Conversation {
    let conv = this.conversations.get(sessionId);
    if (!conv) {
      conv = new Conversation(sessionId, this.opts.side);
      const known = this.opts.markStore?.load(sessionId);
      if (known) Object.assign(conv.peer, known);
      this.conversations.set(sessionId, conv);
    }
    return conv;
  }

  /**
   * Starts following a conversation: loads its newest page now or as soon as connected. While
   * followed, a fill whose history page fails tries again until it succeeds.
   */
  async open(sessionId: string): Promise<Conversation> {
    const conv = this.conversation(sessionId);
    this.following.add(sessionId);
    if (this.connected) await this.resync(conv);
    return conv;
  }

  /**
   * Stops following a conversation (its screen closed): a fill waiting to retry gives up. The
   * conversation's state stays (unsent messages are still sent); `open` follows it again.
   */
  leave(sessionId: string): void {
    this.following.delete(sessionId);
    this.wakers.get(sessionId)?.();
  }

  /** Applies both sides' marks as the server reported them with the session. */
  applyReadState(sessionId: string, state: ReadState | null | undefined): void {
    if (!state) return;
    const conv = this.conversation(sessionId);
    for (const side of ['client', 'agent'] as const) {
      const marks = state[side];
      if (!marks) continue;
      conv.applyMarks(side, 'read', marks.read_seq);
      conv.applyMarks(side, 'delivered', marks.delivered_seq);
    }
  }

  /** The conversation is on screen (and the page visible): incoming messages count as read. */
  setVisible(sessionId: string, visible: boolean): void {
    if (visible) {
      this.visible.add(sessionId);
      const conv = this.conversations.get(sessionId);
      if (conv) this.sendMarks(conv);
    } else {
      this.visible.delete(sessionId);
    }
  }

  /** Shows the message at once and sends it (now, or after the next reconnect), with its uploaded files. */
  send(sessionId: string, content: string, attachments: AttachmentRef[] = []): void {
    const conv = this.conversation(sessionId);
    conv.addPending(content, undefined, attachments);
    this.stopTyping(sessionId);
    void this.flush(conv);
  }

  /** Sends a refused message again. */
  retry(sessionId: string, clientMsgId: string): void {
    const conv = this.conversation(sessionId);
    conv.retry(clientMsgId);
    void this.flush(conv);
  }

  /** Loads the page before the oldest loaded message; resolves false when there is none. */
  async loadOlder(sessionId: string): Promise<boolean> {
    const conv = this.conversation(sessionId);
    if (!conv.hasOlder || !this.connected) return false;
    const page = await this.history(conv, { before: conv.oldestSeq, limit: this.opts.pageSize });
    if (!page) return false;
    conv.applyPage(page.messages, 'older', page.has_more);
    return page.messages.length > 0;
  }

  /** Call on every keystroke: typing_start at most every few seconds while typing. */
  typing(sessionId: string): void {
    if (!this.connected) return;
    const now = Date.now();
    const last = this.typingSentAt.get(sessionId) ?? 0;
    if (now - last < TYPING_REFRESH_MS) return;
    this.typingSentAt.set(sessionId, now);
    this.socket.emit('typing_start', { session_id: sessionId });
  }

  /** Call when the draft is sent or emptied. */
  stopTyping(sessionId: string): void {
    if (!this.typingSentAt.has(sessionId)) return;
    this.typingSentAt.delete(sessionId);
    if (this.connected) this.socket.emit('typing_stop', { session_id: sessionId });
  }

  /** Fills the gap after the contiguous run (or loads the newest page first). Single flight. */
  fill(conv: Conversation): Promise<void> {
    const running = this.filling.get(conv.sessionId);
    if (running) return running;
    const task = this.fillNow(conv).finally(() => this.filling.delete(conv.sessionId));
    this.filling.set(conv.sessionId, task);
    return task;
  }

  /** Sends the conversation's unsent messages one by one, in order. Single flight. */
  flush(conv: Conversation): Promise<void> {
    const running = this.flushing.get(conv.sessionId);
    if (running) return running;
    const task = this.flushNow(conv).finally(() => this.flushing.delete(conv.sessionId));
    this.flushing.set(conv.sessionId, task);
    return task;
  }

  private async fillNow(conv: Conversation): Promise<void> {
    // A conversation loaded before (a reconnect) may have missed messages after its newest one:
    // it is catching up until the fill is done. A first load is not, unless a page fails.
    let checkNewer = conv.loaded;
    if (conv.loaded) conv.setCatchingUp(true);
    try {
      if (!conv.loaded) {
        const page = await this.historyUntilDone(conv, () => ({ limit: this.opts.pageSize }));
        if (!page) return;
        conv.applyPage(page.messages, 'newest', page.has_more);
      }
      while (checkNewer || conv.hasGap()) {
        const after = conv.contiguousSeq;
        const page = await this.historyUntilDone(conv, () => ({ after: conv.contiguousSeq, limit: 200 }));
        if (!page) return;
        conv.applyPage(page.messages, 'newer', page.has_more);
        if (conv.contiguousSeq === after) break;
        checkNewer = page.has_more;
      }
      this.sendMarks(conv);
    } finally {
      conv.setCatchingUp(false);
    }
  }

  /**
   * One history page; a failed one is asked for again after a growing pause (jittered, doubling
   * from `fillRetry.initialMs` up to `maxMs`; while offline, until the reconnect) as long as the
   * conversation is followed. Null: given up (left, disposed, a refusal for good, or a failure
   * of a conversation not followed).
   */
  private async historyUntilDone(
    conv: Conversation,
    page: () => { limit: number; before?: number; after?: number },
  ): Promise<HistoryPage | null> {
    const followed = () => !this.disposed && this.following.has(conv.sessionId);
    for (let failures = 0; ; failures++) {
      const ack = await this.request<HistoryPage>('get_session_history', { session_id: conv.sessionId, ...page() });
      if (ack.ok) return ack;
      if (!followed() || !RETRY_HISTORY.has(ack.error)) return null;
      conv.setCatchingUp(true);
      const { initialMs, maxMs } = this.opts.fillRetry;
      const backoff = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30));
      // Between half and all of the backoff, so clients that failed together do not return together.
      await this.pause(conv.sessionId, this.connected ? backoff * (0.5 + this.opts.random() / 2) : null);
      if (!followed()) return null;
    }
  }

  /** Waits `ms` (null: until woken), or less when woken by a resync, `leave` or `dispose`. */
  private pause(sessionId: string, ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? undefined : setTimeout(done, ms);
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        if (wakers.get(sessionId) === done) wakers.delete(sessionId);
        resolve();
      }
      this.wakers.set(sessionId, done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers.values()]) wake();
  }

  private async flushNow(conv: Conversation): Promise<void> {
    while (!this.disposed && this.connected) {
      const next = conv.unsent()[0];
      if (!next) return;
      const ack = await this.request<{ message: Message }>('send_message', {
        session_id: conv.sessionId,
        content: next.content,
        client_msg_id: next.clientMsgId,
        ...(next.attachments.length ? { attachments: next.attachments.map((a) => a.id) } : {}),
      });
      if (ack.ok) {
        if (conv.merge([ack.message]).length === 0) conv.discard(next.clientMsgId);
        this.sendMarks(conv);
      } else if (TRANSIENT.has(ack.error)) {
        await delay(this.opts.retryDelayMs);
      } else {
        conv.fail(next.clientMsgId, ack.message);
      }
    }
  }

  private async resync(conv: Conversation): Promise<void> {
    try {
      await this.opts.joinRoom?.(conv.sessionId);
    } catch {
      // Joining only adds typing and marks for watchers; the conversation still syncs.
    }
    // A fill waiting to retry (or for the connection) asks again now, after the room is joined.
    this.wakers.get(conv.sessionId)?.();
    await this.fill(conv);
    void this.flush(conv);
  }

  /** One history page, or null when it failed (scrolling up: the user asks again). */
  private async history(
    conv: Conversation,
    page: { limit: number; before?: number; after?: number },
  ): Promise<HistoryPage | null> {
    const ack = await this.request<HistoryPage>('get_session_history', { session_id: conv.sessionId, ...page });
    return ack.ok ? ack : null;
  }

  /** An acknowledged request; a missing ack becomes `{ok: false, error: 'timeout'}`. */
  private async request<T>(event: string, payload: unknown): Promise<Ack<T>> {
    // socket.io buffers emits made while disconnected; resending is this client's job instead.
    if (!this.connected) return { ok: false, error: 'offline', message: 'Not connected.' };
    try {
      return await this.socket.request<T>(event, payload, this.opts.ackTimeoutMs);
    } catch {
      return { ok: false, error: 'timeout', message: 'No answer from the server.' };
    }
  }

  /** Reports delivery of everything contiguous, and reading it when the conversation is seen. */
  private sendMarks(conv: Conversation): void {
    if (!this.connected) return;
    const kinds = this.visible.has(conv.sessionId) ? (['read'] as const) : (['delivered'] as const);
    for (const kind of kinds) {
      const seq = conv.markTarget(kind);
      if (seq === null) continue;
      this.socket.emit(`mark_${kind}`, { session_id: conv.sessionId, seq });
      conv.applyMarks(this.opts.side, kind, seq);
    }
  }

  private onConnect = (): void => {
    this.everConnected = true;
    this.notify();
    for (const conv of this.conversations.values()) {
      // The server may have lost our marks with the connection; they never move back, so
      // sending them again is harmless.
      conv.mine.delivered = 0;
      conv.mine.read = 0;
      void this.resync(conv);
    }
  };

  private onDisconnect = (): void => {
    this.typingSentAt.clear();
    for (const conv of this.conversations.values()) conv.clearTyping();
    this.notify();
  };

  private onNewMessage = ({ message }: { message: Message }): void => {
    const conv = this.conversations.get(message.session_id);
    let isNew = true;
    if (conv) {
      isNew = conv.merge([message]).length > 0;
      if (message.sender_type !== this.opts.side) conv.setTyping(message.sender_id ?? '', '', false);
      if (conv.hasGap()) void this.fill(conv);
      else this.sendMarks(conv);
    } else if (message.sender_type !== this.opts.side && this.opts.deliveredWhenClosed?.(message)) {
      this.socket.emit('mark_delivered', { session_id: message.session_id, seq: message.seq });
    }
    for (const listener of [...this.messageListeners]) listener(message, isNew);
  };

  private onDelivered = (e: MarksEvent): void => this.onMarks(e, 'delivered');
  private onRead = (e: MarksEvent): void => this.onMarks(e, 'read');

  private onMarks(e: MarksEvent, kind: 'delivered' | 'read'): void {
    const conv = this.conversations.get(e.session_id);
    if (!conv) return;
    conv.applyMarks(e.side, kind, e.seq);
    if (e.side !== this.opts.side) this.opts.markStore?.save(e.session_id, { ...conv.peer });
  }

  private onTypingStart = (e: TypingEvent): void => {
    if (e.user_id !== this.opts.selfId) this.conversations.get(e.session_id)?.setTyping(e.user_id, e.name, true);
  };

  private onTypingStop = (e: TypingEvent): void => {
    this.conversations.get(e.session_id)?.setTyping(e.user_id, e.name, false);
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
