// A modal dialog of the console's tools (the browser's <dialog>: focus moves in and stays, the
// page behind is inert, Escape closes it); focus returns where it was when it closes.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { keepFocusIn } from './focus-trap';

interface Props {
  title: string;
  /** Extra class for the dialog's own layout. */
  kind: string;
  onClose: () => void;
  children: ComponentChildren;
}

export function ToolDialog({ title, kind, onClose, children }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => {
      el?.close();
      if (before?.isConnected) before.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      class={`tool-dialog ${kind}`}
      aria-labelledby={`${kind}-title`}
      onKeyDown={(e) => {
        // Escape closes from anywhere inside, also from a search box (which would only clear itself).
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        } else if (dialog.current) keepFocusIn(e, dialog.current);
      }}
      onClose={() => onClose()}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div class="dialog-header">
        <h2 id={`${kind}-title`} class="dialog-title">
          {title}
        </h2>
        <button type="button" class="btn btn-small" onClick={onClose} aria-label={`Close ${title.toLowerCase()}`}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
