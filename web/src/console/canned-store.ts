// The canned replies this agent may use: the organization's shared ones and their own, fetched
// when first needed and kept in step with the changes made in this console.

import type { Api } from '../shared/api';
import { Observable } from '../shared/observable';
import type { CannedReply } from '../shared/types';

export class CannedStore extends Observable {
  replies: CannedReply[] = [];
  loaded = false;
  private loading: Promise<void> | null = null;

  constructor(private readonly api: Api) {
    super();
  }

  load(): Promise<void> {
    this.loading ??= this.api
      .call('get', '/api/canned-replies')
      .then(({ canned_replies }) => this.set(canned_replies))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  /** Loads once; later calls reuse what is known. */
  ensureLoaded(): void {
    if (!this.loaded) void this.load().catch(() => undefined);
  }

  async create(shortcut: string, content: string, personal: boolean): Promise<void> {
    const { canned_reply } = await this.api.call('post', '/api/canned-replies', { body: { shortcut, content, personal } });
    this.set([...this.replies, canned_reply]);
  }

  async update(id: string, shortcut: string, content: string): Promise<void> {
    const { canned_reply } = await this.api.call('put', '/api/canned-replies/{id}', { path: { id }, body: { shortcut, content } });
    this.set(this.replies.map((r) => (r.id === id ? canned_reply : r)));
  }

  async remove(id: string): Promise<void> {
    await this.api.call('delete', '/api/canned-replies/{id}', { path: { id } });
    this.set(this.replies.filter((r) => r.id !== id));
  }

  private set(replies: CannedReply[]): void {
    this.replies = [...replies].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
    this.loaded = true;
    this.notify();
  }
}
