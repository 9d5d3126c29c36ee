// The paperclip beside a message box: opens the system's file picker (several files at once).

import { useRef } from 'preact/hooks';
import { t } from '../i18n';

export function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        class="attach-toggle"
        aria-label={t('files.attach')}
        title={t('files.attach')}
        disabled={disabled}
        onClick={() => input.current?.click()}
        data-attach=""
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M20 11.5l-7.8 7.8a5 5 0 01-7.1-7.1l8.2-8.2a3.4 3.4 0 014.8 4.8l-8.2 8.2a1.7 1.7 0 01-2.4-2.4l7.5-7.5"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
          />
        </svg>
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          const el = e.currentTarget;
          onFiles(Array.from(el.files ?? []));
          // The same file may be picked again after being removed.
          el.value = '';
        }}
      />
    </>
  );
}
