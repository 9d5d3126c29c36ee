// Attaching files to the message being written, in every surface's message box: files picked,
// dropped or pasted go up into the conversation (started first when it has not been), kept with
// the box's draft so they survive the box being drawn anew (a conversation that just started).
// The code that uploads and shows files is its own chunk, fetched the first time it is needed.

import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import type { FileSettings } from '../attachments';
import { useObservable } from '../hooks';
import { Observable } from '../observable';
import type { UploadList } from '../uploads';

type FilesChunk = typeof import('./files');
let chunk: FilesChunk | null = null;
let fetching: Promise<FilesChunk> | null = null;

export function loadFiles(): Promise<FilesChunk> {
  fetching ??= import('./files').then(
    (m) => (chunk = m),
    (e) => {
      fetching = null;
      throw e;
    },
  );
  return fetching;
}

/** The files chunk once `needed` (null until it is here). */
export function useFilesChunk(needed: boolean): FilesChunk | null {
  const [module, setModule] = useState(chunk);
  useEffect(() => {
    if (needed && !module) loadFiles().then(setModule, () => undefined);
  }, [needed]);
  return module;
}

/** What a message box holds until it is sent: its text and its files. */
export class Draft extends Observable {
  text = '';
  list: UploadList | null = null;

  setList(list: UploadList): void {
    this.list = list;
    this.notify();
  }
}

const drafts = new WeakMap<Api, Map<string, Draft>>();

/** The draft of a message box (`key`: what it writes to), one per signed-in person. */
export function draftOf(api: Api, key: string): Draft {
  let mine = drafts.get(api);
  if (!mine) drafts.set(api, (mine = new Map()));
  let draft = mine.get(key);
  if (!draft) mine.set(key, (draft = new Draft()));
  return draft;
}

/** A message box's files, as the box and the conversation around it use them. */
export interface Attach {
  /** Files picked, dropped or pasted. */
  add(files: File[]): void;
  list: UploadList | null;
  chunk: FilesChunk | null;
}

interface AttachOptions {
  api: Api;
  draft: Draft;
  /** The organization's choices; no files when unknown or none accepted. */
  settings: FileSettings | null;
  /** The conversation the files go into, started if need be (null: it could not be). */
  session: () => Promise<string | null>;
}

/** Null when files are not accepted here. */
export function useAttach({ api, draft, settings, session }: AttachOptions): Attach | null {
  useObservable(draft, draft.list);
  const files = useFilesChunk(!!draft.list);
  if (!settings?.types.length) return null;
  return {
    list: draft.list,
    chunk: files,
    add(picked) {
      if (!picked.length) return;
      Promise.all([loadFiles(), session()]).then(([m, sessionId]) => {
        if (!sessionId) return;
        if (!draft.list) draft.setList(new m.UploadList(m.xhrUploader(api)));
        draft.list!.add(sessionId, picked, settings.max_file_bytes);
      }, () => undefined);
    },
  };
}

/**
 * The files of a paste: a copied file keeps its name, a picture from the clipboard (a
 * screenshot, which browsers call "image.png") is named `pasted-image` with its type's extension.
 */
export function pastedFiles(data: DataTransfer | null): File[] {
  return Array.from(data?.files ?? [], (file) => {
    if (!file.type.startsWith('image/') || (file.name && !/^image\.\w+$/.test(file.name))) return file;
    const ext = file.type.slice(6).split(/[+;]/)[0] || 'png';
    return new File([file], `pasted-image.${ext === 'jpeg' ? 'jpg' : ext}`, { type: file.type, lastModified: file.lastModified });
  });
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function carriesFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}
