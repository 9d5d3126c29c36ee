// One conversation's timeline as a participant sees it: stored messages keyed by `seq` (so a
// message arriving twice, from an event, an ack and a history page, is kept once), the highest
// contiguous `seq` (everything from the oldest loaded message up to it is present or known not to
// exist for this reader, so a later `seq` reveals a gap to fill from history), optimistic
// messages waiting for their ack, the other side's delivered/read marks and who is typing. Pure
// state: no socket, no DOM.
//
// Not every seq reaches every reader: agents' private notes take seqs a customer never gets. A
// history page is the server's complete answer for the range it covers, so a seq inside a
// covered range that the page lacks is a hole that will never arrive, and counts as contiguous.

import type { AttachmentRef } from './attachments';
import { randomId } from './ids';
import { Observable } from './observable';
import type { Message, Side } from './types';

/** A message shown before the server confirmed it. */
export interface PendingMessage {
  clientMsgId: string;
  content: string;
  /** Uploaded files the message carries (sent again, the same ones, on a retry). */
  attachments: AttachmentRef[];
  createdAt: string;
  /** Why the server refused it for good; such a message is not resent automatically. */
  failed?: string;
}

export type TimelineItem =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/** What a sender sees of their own message. */
export type Delivery = 'sending' | 'failed' | 'sent' | 'delivered' | 'read';

export class Conversation extends Observable {
  private bySeq = new Map<number, Message>();
  /** Seq ranges history answered in full (sorted, disjoint, not adjacent). */
  private covered: SeqRange[] = [];
  private pendingList: PendingMessage[] = [];
  private contiguous = 0;
  private typingNames = new Map<string, string>();
  /** True once the newest page (or a gap fill) has been loaded from history. */
  loaded = false;
  /** Older messages exist before the oldest loaded one. */
  hasOlder = false;
  /**
   * Messages may be missing and are being fetched: a gap fill (after a reconnect or a skipped
   * `seq`) is under way, or a history page failed and is being asked for again.
   */
  catchingUp = false;
  /** The other side's marks: they drive the check marks of my side's messages. */
  readonly peer = { delivered: 0, read: 0 };
  /** My side's marks, as last sent to the server. */
  readonly mine = { delivered: 0, read: 0 };

  constructor(
    readonly sessionId: string,
    readonly mySide: Side,
  ) {
    super();
  }

  /** Highest seq with every message from the oldest loaded one up to it present (0: none). */
  get contiguousSeq(): number {
    return this.contiguous;
  }

  get oldestSeq(): number {
    let min = 0;
    for (const seq of this.bySeq.keys()) if (min === 0 || seq < min) min = seq;
    return min;
  }

  get newestSeq(): number {
    let max = 0;
    for (const seq of this.bySeq.keys()) if (seq > max) max = seq;
    return max;
  }

  /** A message beyond the contiguous run is present: the ones between are missing. */
  hasGap(): boolean {
    return this.newestSeq > this.contiguous;
  }

  get pending(): readonly PendingMessage[] {
    return this.pendingList;
  }

  /** Pending messages that should (still) be sent, oldest first. */
  unsent(): PendingMessage[] {
    return this.pendingList.filter((p) => !p.failed);
  }

  /**
   * Adds messages from any source. Known seqs are ignored; a message that matches a pending one
   * by `client_msg_id` replaces it. Returns the messages that were new.
   */
  merge(messages: readonly Message[]): Message[] {
    const added: Message[] = [];
    for (const m of messages) {
      if (m.session_id !== this.sessionId || this.bySeq.has(m.seq)) continue;
      this.bySeq.set(m.seq, m);
      added.push(m);
      if (m.client_msg_id) this.pendingList = this.pendingList.filter((p) => p.clientMsgId !== m.client_msg_id);
    }
    if (added.length) {
      this.recomputeContiguous();
      this.notify();
    }
    return added;
  }

  /**
   * A page of history: the newest page (first load), an older page (scrolling up, asked for
   * before the oldest loaded seq) or a newer page (filling a gap, asked for after the end of the
   * contiguous run). `hasMore` of the first two tells whether even older messages exist.
   */
  applyPage(messages: readonly Message[], kind: 'newest' | 'older' | 'newer', hasMore: boolean): Message[] {
    const asked = kind === 'newer' ? { after: this.contiguous } : kind === 'older' ? { before: this.oldestSeq } : {};
    const range = pageRange(messages, kind, hasMore, asked);
    if (range) this.covered = addRange(this.covered, range);
    const contiguousBefore = this.contiguous;
    const added = this.merge(messages);
    if (added.length === 0) {
      this.recomputeContiguous();
      if (this.contiguous !== contiguousBefore) this.notify();
    }
    const olderBefore = this.hasOlder;
    if (kind !== 'newer') this.hasOlder = hasMore;
    if (!this.loaded || olderBefore !== this.hasOlder) {
      this.loaded = true;
      this.notify();
    }
    return added;
  }

  setCatchingUp(value: boolean): void {
    if (this.catchingUp === value) return;
    this.catchingUp = value;
    this.notify();
  }

  /** Starts an optimistic message; the caller sends it with the returned `clientMsgId`. */
  addPending(content: string, clientMsgId = randomId(), attachments: AttachmentRef[] = []): PendingMessage {
    const pending = { clientMsgId, content, attachments, createdAt: new Date().toISOString() };
    this.pendingList = [...this.pendingList, pending];
    this.notify();
    return pending;
  }

  /** The server refused a pending message for good. */
  fail(clientMsgId: string, reason: string): void {
    this.pendingList = this.pendingList.map((p) => (p.clientMsgId === clientMsgId ? { ...p, failed: reason } : p));
    this.notify();
  }

  /** Queues a refused message again (the user asked to retry). */
  retry(clientMsgId: string): void {
    this.pendingList = this.pendingList.map((p) => (p.clientMsgId === clientMsgId ? { ...p, failed: undefined } : p));
    this.notify();
  }

  discard(clientMsgId: string): void {
    this.pendingList = this.pendingList.filter((p) => p.clientMsgId !== clientMsgId);
    this.notify();
  }

  /** Stored messages by seq, then pending ones in the order they were written. */
  timeline(): TimelineItem[] {
    const messages = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return [
      ...messages.map((message) => ({ kind: 'message' as const, key: message.id, message })),
      ...this.pendingList.map((pending) => ({ kind: 'pending' as const, key: pending.clientMsgId, pending })),
    ];
  }

  messages(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Records a mark event; only the other side's marks matter here, and they never go back. */
  applyMarks(side: Side, kind: 'delivered' | 'read', seq: number): void {
    const target = side === this.mySide ? this.mine : this.peer;
    const before = { ...target };
    if (kind === 'read') target.read = Math.max(target.read, seq);
    target.delivered = Math.max(target.delivered, seq, target.read);
    if (before.read !== target.read || before.delivered !== target.delivered) this.notify();
  }

  /** Check-mark state of a message written by my side (system and peer messages have none). */
  delivery(message: Message): Delivery | null {
    if (message.sender_type !== this.mySide) return null;
    if (message.seq <= this.peer.read) return 'read';
    if (message.seq <= this.peer.delivered) return 'delivered';
    return 'sent';
  }

  /** Messages of the other side (and system notes) after my read mark. */
  unreadCount(): number {
    let n = 0;
    for (const m of this.bySeq.values()) if (m.sender_type !== this.mySide && m.seq > this.mine.read) n += 1;
    return n;
  }

  /** The seq to report as delivered / read now, or null when the server already knows it. */
  markTarget(kind: 'delivered' | 'read'): number | null {
    const seq = this.contiguous;
    return seq > this.mine[kind] ? seq : null;
  }

  setTyping(userId: string, name: string, typing: boolean): void {
    const had = this.typingNames.get(userId);
    if (typing && had !== name) this.typingNames.set(userId, name);
    else if (!typing && had !== undefined) this.typingNames.delete(userId);
    else return;
    this.notify();
  }

  clearTyping(): void {
    if (this.typingNames.size === 0) return;
    this.typingNames.clear();
    this.notify();
  }

  whoIsTyping(): string[] {
    return [...this.typingNames.values()];
  }

  private recomputeContiguous(): void {
    let seq = this.oldestSeq;
    if (seq === 0) {
      this.contiguous = 0;
      return;
    }
    for (;;) {
      if (this.bySeq.has(seq + 1)) seq += 1;
      else {
        const range = this.covered.find((r) => r.from <= seq + 1 && seq + 1 <= r.to);
        if (!range) break;
        seq = range.to;
      }
    }
    this.contiguous = seq;
  }
}

/** Seqs `from` to `to`, both included. */
interface SeqRange {
  from: number;
  to: number;
}

/**
 * The seqs a history page answers for in full. A newer page, asked for after seq N: N + 1 up to
 * its highest seq. A newest or older page: its lowest seq (1 when nothing older exists) up to its
 * highest, or for an older page asked for before seq B, up to B - 1.
 */
export function pageRange(
  messages: readonly Message[],
  kind: 'newest' | 'older' | 'newer',
  hasMore: boolean,
  asked: { after?: number; before?: number } = {},
): SeqRange | null {
  if (messages.length === 0) return null;
  let low = messages[0].seq;
  let high = low;
  for (const m of messages) {
    low = Math.min(low, m.seq);
    high = Math.max(high, m.seq);
  }
  if (kind === 'newer') return { from: asked.after === undefined ? low : Math.min(asked.after + 1, low), to: high };
  const from = hasMore ? low : 1;
  if (kind === 'older' && asked.before) return { from, to: Math.max(high, asked.before - 1) };
  return { from, to: high };
}

/** The ranges with one more, merged with those it overlaps or touches. */
function addRange(ranges: readonly SeqRange[], next: SeqRange): SeqRange[] {
  const out: SeqRange[] = [];
  let merged = { ...next };
  for (const r of ranges) {
    if (r.to + 1 < merged.from || merged.to + 1 < r.from) out.push(r);
    else merged = { from: Math.min(r.from, merged.from), to: Math.max(r.to, merged.to) };
  }
  out.push(merged);
  return out.sort((a, b) => a.from - b.from);
}
