// Where teammates mentioned me in private notes: the newest mentions and how many are unread,
// fetched on every (re)connect and kept live from the `mention` event.

import type { Api } from '../shared/api';
import type { SocketPort } from '../shared/chat-client';
import { Observable } from '../shared/observable';
import type { Mention, Message } from '../shared/types';

export class MentionStore extends Observable {
  mentions: Mention[] = [];
  unread = 0;
  loaded = false;

  constructor(
    private readonly api: Api,
    port: SocketPort,
  ) {
    super();
    port.on('connect', () => void this.load().catch(() => undefined));
    port.on('mention', (e: { mention: Mention; message: Message }) => this.add(e.mention));
  }

  async load(): Promise<void> {
    const { mentions, unread } = await this.api.call('get', '/api/mentions');
    this.mentions = mentions;
    this.unread = unread;
    this.loaded = true;
    this.notify();
  }

  /** Unread mentions in one conversation. */
  unreadIn(sessionId: string): number {
    return this.mentions.filter((m) => m.session_id === sessionId && !m.read_at).length;
  }

  /** Marks the mentions of one conversation read (or all of them), here at once and then on the server. */
  async markRead(sessionId?: string): Promise<void> {
    const now = new Date().toISOString();
    const hit = (m: Mention) => !m.read_at && (!sessionId || m.session_id === sessionId);
    const count = this.mentions.filter(hit).length;
    this.mentions = this.mentions.map((m) => (hit(m) ? { ...m, read_at: now } : m));
    this.unread = sessionId ? Math.max(0, this.unread - count) : 0;
    this.notify();
    await this.api.call('put', '/api/mentions/read', { body: { session_id: sessionId ?? null } });
  }

  private add(mention: Mention): void {
    if (this.mentions.some((m) => m.id === mention.id)) return;
    this.mentions = [mention, ...this.mentions];
    if (!mention.read_at) this.unread += 1;
    this.notify();
  }
}
