// The files of the message being written, above the message box: each with its name and size,
// a progress bar and a cancel button while it uploads, the server's reason with Retry when it
// failed, and a remove button.

import { useObservable } from '../hooks';
import { humanSize } from '../file-info';
import { t } from '../i18n';
import type { UploadItem, UploadList } from '../uploads';

export function ComposerFiles({ list }: { list: UploadList }) {
  useObservable(list);
  if (list.items.length === 0 && !list.overLimit) return null;
  return (
    <div class="composer-files">
      {list.items.length > 0 && (
        <ul class="uploads" aria-label={t('files.list')}>
          {list.items.map((item) => (
            <Item key={item.key} item={item} list={list} />
          ))}
        </ul>
      )}
      {list.overLimit && (
        <p class="composer-note error-text" role="alert" data-files-limit="">
          {t('files.tooMany', { max: list.max })}
        </p>
      )}
    </div>
  );
}

function Item({ item, list }: { item: UploadItem; list: UploadList }) {
  // The server may have renamed it (its right extension).
  const name = item.attachment?.name ?? item.file.name;
  const percent = item.total ? Math.min(100, Math.round((item.sent / item.total) * 100)) : 0;
  return (
    <li class={`upload upload-${item.state}`} data-upload={item.state}>
      <span class="upload-text">
        <span class="upload-name" dir="auto">{name}</span>
        <span class="upload-size">{humanSize(item.attachment?.size ?? item.file.size)}</span>
      </span>
      {item.state === 'uploading' && (
        <span
          class="upload-bar"
          role="progressbar"
          aria-label={t('files.uploading', { name })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <span style={{ width: `${percent}%` }} />
        </span>
      )}
      {item.state === 'failed' && (
        <>
          <span class="upload-error" role="alert">
            {/* The server words a problem to follow the file's name; here it stands alone. */}
            {item.error && item.error.charAt(0).toUpperCase() + item.error.slice(1)}
          </span>
          <button type="button" class="link" onClick={() => list.retry(item.key)}>
            {t('chat.retry')}
          </button>
        </>
      )}
      <button
        type="button"
        class="upload-remove"
        aria-label={t(item.state === 'uploading' ? 'files.cancel' : 'files.remove', { name })}
        onClick={() => list.remove(item.key)}
      >
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" fill="none" />
        </svg>
      </button>
    </li>
  );
}
