// Files over HTTP: uploads with XMLHttpRequest (fetch reports no upload progress and cannot be
// stopped as simply), the removal of an unsent upload, and signed links, all with the surface's
// token.

import { type Api, ApiError } from './api';
import type { Attachment, AttachmentLink } from './attachments';
import { t } from './i18n';
import type { Upload, Uploader } from './uploads';

export function xhrUploader(api: Api): Uploader {
  return {
    upload(sessionId, file, onProgress): Upload {
      const xhr = new XMLHttpRequest();
      const done = new Promise<Attachment>((resolve, reject) => {
        xhr.open('POST', `${api.base}/api/sessions/${encodeURIComponent(sessionId)}/attachments`);
        xhr.setRequestHeader('accept', 'application/json');
        if (api.token) xhr.setRequestHeader('authorization', `Bearer ${api.token}`);
        xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
        xhr.onload = () => {
          const body = parse(xhr.responseText);
          if (xhr.status >= 200 && xhr.status < 300 && body?.attachment) resolve(body.attachment);
          else reject(new ApiError(xhr.status, body?.error ?? 'internal', body?.message || xhr.statusText || t('error.network')));
        };
        xhr.onerror = () => reject(new ApiError(0, 'network', t('error.network')));
        xhr.onabort = () => reject(new ApiError(0, 'aborted', ''));
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
      return { done, abort: () => xhr.abort() };
    },
    remove: (id) => api.call('delete', '/api/attachments/{id}', { path: { id } }).then(() => undefined),
  };
}

/** A file's signed link (`url` and `thumbnail_url` are paths on the server). */
export function fetchLink(api: Api, id: string): Promise<AttachmentLink> {
  return api.call('get', '/api/attachments/{id}/link', { path: { id } });
}

function parse(text: string): { attachment?: Attachment; error?: string; message?: string } | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
