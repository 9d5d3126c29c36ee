// A message's files: images drawn inline at their size (bounded), opening the full image in a
// new tab; other files as a chip with the name, a short type and the size, which downloads the
// file. Both go through signed links, fetched when needed and kept while they are good.

import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { LinkCache } from '../attachment-links';
import type { AttachmentLink, AttachmentRef } from '../attachments';
import { fitBox, humanSize, shortType } from '../file-info';
import { fetchLink } from '../upload-request';

const caches = new WeakMap<Api, LinkCache>();

/** The links of the files this token may read. */
export function linksFor(api: Api): LinkCache {
  let cache = caches.get(api);
  if (!cache) {
    cache = new LinkCache((id) => fetchLink(api, id));
    caches.set(api, cache);
  }
  return cache;
}

export function MessageFiles({ files, api }: { files: AttachmentRef[]; api: Api }) {
  return (
    <div class="message-files">
      {files.map((file) => (file.kind === 'image' ? <ImageFile key={file.id} file={file} api={api} /> : <FileChip key={file.id} file={file} api={api} />))}
    </div>
  );
}

/** Follows a fresh link: the kept one at once, else a new one fetched first (a new tab for `tab`). */
function follow(e: MouseEvent, api: Api, id: string, tab: boolean): void {
  if (linksFor(api).fresh(id)) return;
  e.preventDefault();
  linksFor(api)
    .get(id)
    .then(
      (link) => {
        if (tab) window.open(api.base + link.url, '_blank', 'noopener');
        else location.assign(api.base + link.url);
      },
      () => undefined,
    );
}

/** The file's link, fetched when none is kept; `again` asks for a new one (once). */
function useLink(api: Api, id: string): [AttachmentLink | null, () => void] {
  const [link, setLink] = useState(() => linksFor(api).fresh(id));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (link && attempt === 0) return;
    let live = true;
    linksFor(api)
      .get(id)
      .then((l) => live && setLink(l), () => undefined);
    return () => {
      live = false;
    };
  }, [attempt]);
  // An image that stopped loading (its link expired early) is asked for once more.
  const again = () => {
    if (attempt > 0) return;
    linksFor(api).forget(id);
    setAttempt(1);
  };
  return [link, again];
}

function ImageFile({ file, api }: { file: AttachmentRef; api: Api }) {
  const [link, again] = useLink(api, file.id);
  const box = fitBox(file.width, file.height);
  const src = link && api.base + ((file.thumbnail && link.thumbnail_url) || link.url);
  return (
    <a
      class="file-image"
      href={link ? api.base + link.url : '#'}
      target="_blank"
      rel="noopener noreferrer"
      onClick={(e) => follow(e, api, file.id, true)}
      data-attachment={file.id}
      data-kind="image"
    >
      {src ? (
        <img src={src} alt={file.name} width={box.width} height={box.height} onError={again} />
      ) : (
        <span class="file-image-wait" style={{ width: `${box.width}px`, height: `${box.height}px` }} role="img" aria-label={file.name} />
      )}
    </a>
  );
}

function FileChip({ file, api }: { file: AttachmentRef; api: Api }) {
  const link = linksFor(api).fresh(file.id);
  return (
    <a
      class="file-chip"
      href={link ? api.base + link.url : '#'}
      download={file.name}
      onClick={(e) => follow(e, api, file.id, false)}
      data-attachment={file.id}
      data-kind="file"
    >
      <svg class="file-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
        <path d="M6 2.5h8l4.5 4.5v14.5H6z M14 2.5V7h4.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
      </svg>
      <span class="file-text">
        <span class="file-name" dir="auto">{file.name}</span>
        <span class="file-meta">
          {shortType(file.name, file.content_type)} · {humanSize(file.size)}
        </span>
      </span>
    </a>
  );
}
