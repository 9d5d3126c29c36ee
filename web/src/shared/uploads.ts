// The files of a message being written: each one uploads at once with its progress, can be
// cancelled while it uploads, retried or removed when it failed, and removed (deleted on the
// server) once uploaded. A message may go only when every file in it is uploaded, so nothing
// the writer attached is ever left out. Pure state around an uploader: no DOM.

import { type Attachment, type AttachmentRef, MAX_FILES_PER_MESSAGE } from './attachments';
import { humanSize } from './file-info';
import { t } from './i18n';
import { randomId } from './ids';
import { Observable } from './observable';

/** One upload in flight: its result, and a way to stop it. */
export interface Upload {
  done: Promise<Attachment>;
  abort(): void;
}

/** What sends files to the server (XMLHttpRequest in the browser, a fake in tests). */
export interface Uploader {
  upload(sessionId: string, file: File, onProgress: (sent: number, total: number) => void): Upload;
  /** Deletes an uploaded file not sent yet. */
  remove(id: string): Promise<void>;
}

export type UploadState = 'uploading' | 'done' | 'failed';

export interface UploadItem {
  key: string;
  file: File;
  sessionId: string;
  state: UploadState;
  /** Bytes sent so far, of `total`. */
  sent: number;
  total: number;
  /** Why it failed, in the server's words. */
  error?: string;
  attachment?: Attachment;
}

export class UploadList extends Observable {
  items: UploadItem[] = [];
  /** Files were left out of the last addition: a message takes at most `max`. */
  overLimit = false;
  private readonly running = new Map<string, Upload>();

  constructor(
    private readonly uploader: Uploader,
    readonly max = MAX_FILES_PER_MESSAGE,
  ) {
    super();
  }

  /**
   * Adds files to the conversation's message and starts uploading them; those beyond the
   * limit are left out (`overLimit`). One larger than `maxBytes` (when known) fails at once;
   * retrying it lets the server judge.
   */
  add(sessionId: string, files: File[], maxBytes?: number | null): void {
    const room = Math.max(0, this.max - this.items.length);
    this.overLimit = files.length > room;
    for (const file of files.slice(0, room)) {
      const item: UploadItem = { key: randomId(), file, sessionId, state: 'uploading', sent: 0, total: file.size };
      this.items = [...this.items, item];
      if (maxBytes && file.size > maxBytes) {
        this.patch(item.key, { state: 'failed', error: t('files.tooLarge', { max: humanSize(maxBytes) })});
      } else this.start(item);
    }
    this.notify();
  }

  /** Uploads a failed file again. */
  retry(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item || item.state !== 'failed') return;
    this.patch(item.key, { state: 'uploading', sent: 0, error: undefined });
    this.start(item);
  }

  /** Stops a file uploading, or removes it (deleting it on the server when it was uploaded). */
  remove(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    this.running.get(key)?.abort();
    this.running.delete(key);
    if (item.attachment) void this.uploader.remove(item.attachment.id).catch(() => undefined);
    this.items = this.items.filter((i) => i.key !== key);
    this.overLimit = false;
    this.notify();
  }

  /** A file is still uploading, or failed and still in the list. */
  get blocked(): boolean {
    return this.items.some((i) => i.state !== 'done');
  }

  get uploading(): boolean {
    return this.items.some((i) => i.state === 'uploading');
  }

  /** The uploaded files, in the order they were added. */
  ready(): AttachmentRef[] {
    return this.items.flatMap((i) => (i.state === 'done' && i.attachment ? [refOf(i.attachment)] : []));
  }

  /** Whether a message of this text and these files may be sent now. */
  canSend(text: string): boolean {
    return !this.blocked && (text.trim() !== '' || this.ready().length > 0);
  }

  /** Empties the list once its files went out with a message (they are not deleted). */
  clear(): void {
    if (this.items.length === 0 && !this.overLimit) return;
    for (const upload of this.running.values()) upload.abort();
    this.running.clear();
    this.items = [];
    this.overLimit = false;
    this.notify();
  }

  private start(item: UploadItem): void {
    const upload = this.uploader.upload(item.sessionId, item.file, (sent, total) => {
      if (this.running.get(item.key) === upload) this.patch(item.key, { sent, total: total || item.total });
    });
    this.running.set(item.key, upload);
    upload.done.then(
      (attachment) => {
        if (this.running.get(item.key) !== upload) return;
        this.running.delete(item.key);
        this.patch(item.key, { state: 'done', sent: item.total, attachment });
      },
      (e: unknown) => {
        if (this.running.get(item.key) !== upload) return;
        this.running.delete(item.key);
        const error = e instanceof Error && e.message ? e.message : t('error.network');
        this.patch(item.key, { state: 'failed', error });
      },
    );
  }

  private patch(key: string, change: Partial<UploadItem>): void {
    this.items = this.items.map((i) => (i.key === key ? { ...i, ...change } : i));
    this.notify();
  }
}

function refOf(a: Attachment): AttachmentRef {
  return { id: a.id, name: a.name, content_type: a.content_type, size: a.size, kind: a.kind, width: a.width, height: a.height, thumbnail: a.thumbnail };
}
