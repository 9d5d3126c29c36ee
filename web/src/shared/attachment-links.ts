// Signed links to files, kept per file until shortly before they expire so a conversation's
// images are not asked for again on every render, and asked for afresh once stale. One request
// at a time per file.

import type { AttachmentLink } from './attachments';

/** A link is not handed out when it expires sooner than this. */
const MARGIN_MS = 30_000;

export class LinkCache {
  private readonly links = new Map<string, { link: AttachmentLink; until: number }>();
  private readonly asking = new Map<string, Promise<AttachmentLink>>();

  constructor(
    private readonly fetchLink: (id: string) => Promise<AttachmentLink>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The file's link if one is known and still good for a while, else null. */
  fresh(id: string): AttachmentLink | null {
    const kept = this.links.get(id);
    if (kept && kept.until > this.now()) return kept.link;
    this.links.delete(id);
    return null;
  }

  /** A good link to the file: the kept one, else a new one (shared by callers meanwhile). */
  get(id: string): Promise<AttachmentLink> {
    const fresh = this.fresh(id);
    if (fresh) return Promise.resolve(fresh);
    let asked = this.asking.get(id);
    if (!asked) {
      asked = this.fetchLink(id)
        .then((link) => {
          const expires = Date.parse(link.expires_at);
          if (Number.isFinite(expires)) this.links.set(id, { link, until: expires - MARGIN_MS });
          return link;
        })
        .finally(() => this.asking.delete(id));
      this.asking.set(id, asked);
    }
    return asked;
  }

  /** Forgets the file's link (it stopped working before its time). */
  forget(id: string): void {
    this.links.delete(id);
  }
}
