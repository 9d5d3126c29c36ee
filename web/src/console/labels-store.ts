// The organization's labels, as the console knows them: fetched once, again after an admin
// changes them here, and again when a conversation names a label the console has not seen (an
// admin elsewhere created it; labels themselves have no live event).

import type { Api } from '../shared/api';
import { Observable } from '../shared/observable';
import type { Label } from '../shared/types';

export class LabelStore extends Observable {
  labels: Label[] = [];
  loaded = false;
  private loading: Promise<void> | null = null;
  /** Unknown ids already asked about, so a deleted label does not trigger a reload per render. */
  private readonly askedAbout = new Set<string>();

  constructor(private readonly api: Api) {
    super();
  }

  load(): Promise<void> {
    this.loading ??= this.api
      .call('get', '/api/labels')
      .then(({ labels }) => this.set(labels))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  byId(id: string): Label | undefined {
    return this.labels.find((l) => l.id === id);
  }

  /** The labels of a conversation that still exist, in the organization's order. */
  of(ids: readonly string[]): Label[] {
    const unknown = ids.filter((id) => !this.byId(id) && !this.askedAbout.has(id));
    if (this.loaded && unknown.length) {
      unknown.forEach((id) => this.askedAbout.add(id));
      void this.load().catch(() => undefined);
    }
    return this.labels.filter((l) => ids.includes(l.id));
  }

  async create(name: string, color: string): Promise<Label> {
    const { label } = await this.api.call('post', '/api/labels', { body: { name, color } });
    this.set([...this.labels, label]);
    return label;
  }

  async update(id: string, name: string, color: string): Promise<void> {
    const { label } = await this.api.call('put', '/api/labels/{id}', { path: { id }, body: { name, color } });
    this.set(this.labels.map((l) => (l.id === id ? label : l)));
  }

  async remove(id: string): Promise<void> {
    await this.api.call('delete', '/api/labels/{id}', { path: { id } });
    this.set(this.labels.filter((l) => l.id !== id));
  }

  private set(labels: Label[]): void {
    this.labels = [...labels].sort((a, b) => a.name.localeCompare(b.name));
    this.loaded = true;
    this.notify();
  }
}
