// An in-memory stand-in for the server's socket contract, for unit tests of the shared chat code:
// gapless seq per session, idempotent client_msg_id, history pages, acks that can be lost, and a
// socket that can drop and come back.

import type { SocketPort } from '../src/shared/chat-client';
import type { Ack, Message } from '../src/shared/types';

type Handler = (payload: any) => void;

export class FakeServer {
  readonly sessions = new Map<string, Message[]>();
  readonly sockets = new Set<FakeSocket>();
  /** Store send_message but never answer it, nor tell anyone (the ack and the event are lost). */
  loseAcks = false;
  /** Refuse the next send_message calls with these codes, one each. */
  refusals: string[] = [];
  /** Fail the next get_session_history calls, one each: with this code, or `lost` (no answer). */
  historyFailures: string[] = [];
  /** Every request and emit seen, in order. */
  readonly log: { event: string; payload: any }[] = [];
  private nextId = 1;

  /** Appends a message as the server would and tells connected sockets (unless `silent`). */
  append(
    sessionId: string,
    content: string,
    opts: { sender?: 'client' | 'agent' | 'system'; clientMsgId?: string; silent?: boolean } = {},
  ): Message {
    const list = this.sessions.get(sessionId) ?? [];
    this.sessions.set(sessionId, list);
    const existing = opts.clientMsgId ? list.find((m) => m.client_msg_id === opts.clientMsgId) : undefined;
    if (existing) return existing;
    const message: Message = {
      id: `m${this.nextId++}`,
      organization_id: 'org',
      session_id: sessionId,
      seq: list.length + 1,
      sender_type: opts.sender ?? 'agent',
      sender_id: opts.sender === 'client' ? 'client-1' : 'agent-1',
      sender_name: opts.sender === 'client' ? 'Alice' : 'John',
      content,
      client_msg_id: opts.clientMsgId ?? null,
      created_at: new Date().toISOString(),
      internal: false,
      attachments: [],
    };
    list.push(message);
    if (!opts.silent) this.broadcast('new_message', { message });
    return message;
  }

  broadcast(event: string, payload: unknown): void {
    for (const socket of this.sockets) if (socket.connected) socket.deliver(event, payload);
  }

  contents(sessionId: string): string[] {
    return (this.sessions.get(sessionId) ?? []).map((m) => m.content);
  }

  handle(event: string, payload: any): Ack<any> | 'lost' {
    this.log.push({ event, payload });
    switch (event) {
      case 'send_message': {
        const refusal = this.refusals.shift();
        if (refusal) return { ok: false, error: refusal, message: `refused: ${refusal}` };
        const message = this.append(payload.session_id, payload.content, {
          sender: 'client',
          clientMsgId: payload.client_msg_id,
          silent: this.loseAcks,
        });
        return this.loseAcks ? 'lost' : { ok: true, message };
      }
      case 'get_session_history': {
        const failure = this.historyFailures.shift();
        if (failure === 'lost') return 'lost';
        if (failure) return { ok: false, error: failure, message: `failed: ${failure}` };
        return { ok: true, ...this.page(payload) };
      }
      case 'join_organization':
        return { ok: true };
      default:
        return { ok: false, error: 'validation_failed', message: `unknown event ${event}` };
    }
  }

  private page({ session_id, limit = 50, before, after }: any): { messages: Message[]; has_more: boolean } {
    const all = this.sessions.get(session_id) ?? [];
    if (after !== undefined) {
      const rest = all.filter((m) => m.seq > after);
      return { messages: rest.slice(0, limit), has_more: rest.length > limit };
    }
    const upTo = all.filter((m) => before === undefined || m.seq < before);
    return { messages: upTo.slice(-limit), has_more: upTo.length > limit };
  }
}

/** A socket connected to a FakeServer; events and acks arrive asynchronously, as over a network. */
export class FakeSocket implements SocketPort {
  connected = false;
  private handlers = new Map<string, Set<Handler>>();
  private waitingAcks = new Set<(err: Error) => void>();

  constructor(private readonly server: FakeServer) {
    server.sockets.add(this);
  }

  on(event: string, handler: Handler): void {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler);
    this.handlers.set(event, set);
  }

  off(event: string, handler: Handler): void {
    this.handlers.get(event)?.delete(handler);
  }

  emit(event: string, payload: unknown): void {
    if (!this.connected) throw new Error(`emit '${event}' while disconnected`);
    this.server.log.push({ event, payload });
  }

  request<T>(event: string, payload: unknown, timeoutMs: number): Promise<Ack<T>> {
    if (!this.connected) return Promise.reject(new Error('disconnected'));
    const answer = this.server.handle(event, payload);
    return new Promise((resolve, reject) => {
      if (answer === 'lost') {
        const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        this.waitingAcks.add((err) => {
          clearTimeout(timer);
          reject(err);
        });
        return;
      }
      setTimeout(() => resolve(answer as Ack<T>), 0);
    });
  }

  connect(): void {
    this.connected = true;
    this.fire('connect', undefined);
  }

  /** The connection drops: acks in flight fail, as socket.io-client does. */
  drop(): void {
    this.connected = false;
    for (const fail of this.waitingAcks) fail(new Error('socket has been disconnected'));
    this.waitingAcks.clear();
    this.fire('disconnect', 'transport close');
  }

  deliver(event: string, payload: unknown): void {
    setTimeout(() => this.fire(event, payload), 0);
  }

  private fire(event: string, payload: unknown): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(payload);
  }
}

/** Polls until `check` holds (unit tests: a few event-loop turns). */
export async function settle(check: () => boolean, what: string, timeout = 2000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
