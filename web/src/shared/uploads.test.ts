import { describe, expect, test } from 'vitest';
import { ApiError } from './api';
import type { Attachment } from './attachments';
import { type Upload, type Uploader, UploadList } from './uploads';

/** An uploader whose uploads finish when the test says, recording what was asked. */
class FakeUploader implements Uploader {
  readonly started: { sessionId: string; name: string; progress: (sent: number, total: number) => void; resolve: (a: Attachment) => void; reject: (e: unknown) => void; aborted: boolean }[] = [];
  readonly removed: string[] = [];

  upload(sessionId: string, file: File, onProgress: (sent: number, total: number) => void): Upload {
    let resolve!: (a: Attachment) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<Attachment>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry = { sessionId, name: file.name, progress: onProgress, resolve, reject, aborted: false };
    this.started.push(entry);
    return {
      done,
      abort: () => {
        entry.aborted = true;
        reject(new ApiError(0, 'aborted', ''));
      },
    };
  }

  async remove(id: string): Promise<void> {
    this.removed.push(id);
  }

  /** Finishes the nth upload as the server would answer it. */
  finish(n: number, id = `att-${n}`): void {
    const { name, sessionId } = this.started[n];
    this.started[n].resolve({
      id,
      session_id: sessionId,
      name,
      content_type: 'application/pdf',
      size: 1000,
      kind: 'file',
      width: null,
      height: null,
      thumbnail: false,
      created_at: '2026-03-01T10:00:00Z',
    });
  }
}

const file = (name: string, size = 1000) => new File([new Uint8Array(size)], name, { type: 'application/pdf' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const uploader = new FakeUploader();
  const list = new UploadList(uploader);
  return { uploader, list };
}

describe('UploadList', () => {
  test('files upload at once into the conversation, with their progress', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf'), file('b.pdf')]);
    expect(list.items.map((i) => [i.file.name, i.state])).toEqual([
      ['a.pdf', 'uploading'],
      ['b.pdf', 'uploading'],
    ]);
    expect(uploader.started.map((u) => [u.sessionId, u.name])).toEqual([
      ['s1', 'a.pdf'],
      ['s1', 'b.pdf'],
    ]);
    uploader.started[0].progress(400, 1000);
    expect(list.items[0]).toMatchObject({ sent: 400, total: 1000 });
    expect(list.uploading).toBe(true);
  });

  test('sending waits for every upload: text or files alone may go once all are done', async () => {
    const { uploader, list } = setup();
    expect(list.canSend('')).toBe(false);
    expect(list.canSend('hello')).toBe(true);
    list.add('s1', [file('a.pdf'), file('b.pdf')]);
    expect(list.canSend('hello')).toBe(false);
    uploader.finish(0);
    await settle();
    expect(list.canSend('hello')).toBe(false);
    expect(list.ready().map((r) => r.id)).toEqual(['att-0']);
    uploader.finish(1);
    await settle();
    expect(list.blocked).toBe(false);
    expect(list.canSend('')).toBe(true);
    expect(list.ready().map((r) => r.id)).toEqual(['att-0', 'att-1']);
    // What a message carries of a file, not the upload's own fields.
    expect(Object.keys(list.ready()[0]).sort()).toEqual(['content_type', 'height', 'id', 'kind', 'name', 'size', 'thumbnail', 'width']);
  });

  test('a refused upload shows the server’s words, blocks sending, and uploads again on retry', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('big.pdf')]);
    uploader.started[0].reject(new ApiError(413, 'file_too_large', 'The file is larger than 10 MB.'));
    await settle();
    expect(list.items[0]).toMatchObject({ state: 'failed', error: 'The file is larger than 10 MB.' });
    expect(list.canSend('text')).toBe(false);
    list.retry(list.items[0].key);
    expect(list.items[0]).toMatchObject({ state: 'uploading', sent: 0, error: undefined });
    expect(uploader.started).toHaveLength(2);
    uploader.finish(1);
    await settle();
    expect(list.items[0].state).toBe('done');
    expect(list.canSend('')).toBe(true);
  });

  test('a network failure without words says the server cannot be reached', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf')]);
    uploader.started[0].reject(new TypeError(''));
    await settle();
    expect(list.items[0].error).toMatch(/cannot be reached/);
  });

  test('cancel stops the upload and drops the file; nothing is deleted', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf'), file('b.pdf')]);
    list.remove(list.items[0].key);
    expect(uploader.started[0].aborted).toBe(true);
    expect(list.items.map((i) => i.file.name)).toEqual(['b.pdf']);
    await settle();
    expect(list.items.map((i) => i.file.name)).toEqual(['b.pdf']);
    expect(uploader.removed).toEqual([]);
    uploader.finish(1);
    await settle();
    expect(list.canSend('')).toBe(true);
  });

  test('removing an uploaded file deletes it on the server', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf')]);
    uploader.finish(0, 'att-a');
    await settle();
    list.remove(list.items[0].key);
    expect(uploader.removed).toEqual(['att-a']);
    expect(list.items).toEqual([]);
    expect(list.canSend('')).toBe(false);
  });

  test('at most ten files: those beyond are left out, and it says so until one is removed', () => {
    const { uploader, list } = setup();
    list.add('s1', Array.from({ length: 8 }, (_, i) => file(`f${i}.pdf`)));
    expect(list.overLimit).toBe(false);
    list.add('s1', [file('x.pdf'), file('y.pdf'), file('z.pdf')]);
    expect(list.items).toHaveLength(10);
    expect(list.items.map((i) => i.file.name).slice(8)).toEqual(['x.pdf', 'y.pdf']);
    expect(list.overLimit).toBe(true);
    expect(uploader.started).toHaveLength(10);
    list.add('s1', [file('again.pdf')]);
    expect(list.items).toHaveLength(10);
    list.remove(list.items[0].key);
    expect(list.overLimit).toBe(false);
  });

  test('a file over the known limit fails at once; retrying lets the server judge', () => {
    const { uploader, list } = setup();
    list.add('s1', [file('huge.pdf', 2 * 1024 * 1024), file('small.pdf', 10)], 1024 * 1024);
    expect(list.items[0]).toMatchObject({ state: 'failed', error: 'Larger than 1 MB, the most accepted.' });
    expect(list.items[1].state).toBe('uploading');
    expect(uploader.started.map((u) => u.name)).toEqual(['small.pdf']);
    list.retry(list.items[0].key);
    expect(uploader.started.map((u) => u.name)).toEqual(['small.pdf', 'huge.pdf']);
  });

  test('clear empties the list after a send without deleting the sent files', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf')]);
    uploader.finish(0);
    await settle();
    const sent = list.ready();
    list.clear();
    expect(list.items).toEqual([]);
    expect(uploader.removed).toEqual([]);
    expect(sent.map((r) => r.id)).toEqual(['att-0']);
  });

  test('an answer arriving for a cancelled upload changes nothing', async () => {
    const { uploader, list } = setup();
    list.add('s1', [file('a.pdf')]);
    const { progress } = uploader.started[0];
    list.remove(list.items[0].key);
    progress(500, 1000);
    uploader.finish(0);
    await settle();
    expect(list.items).toEqual([]);
  });
});
