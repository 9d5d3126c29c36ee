// The message box: Enter sends, Shift+Enter starts a new line; typing is reported as you type.

import { useRef, useState } from 'preact/hooks';

interface Props {
  onSend: (text: string) => void;
  onTyping?: () => void;
  onIdle?: () => void;
  disabled?: boolean;
  placeholder?: string;
  label?: string;
}

export function Composer({ onSend, onTyping, onIdle, disabled, placeholder = 'Write a message…', label = 'Message' }: Props) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);

  function submit() {
    const content = text.trim();
    if (!content || disabled) return;
    onSend(content);
    setText('');
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  function onInput(e: Event) {
    const value = (e.currentTarget as HTMLTextAreaElement).value;
    setText(value);
    if (value.trim()) onTyping?.();
    else onIdle?.();
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="sr-only" for="composer-text">
        {label}
      </label>
      <textarea
        id="composer-text"
        ref={area}
        rows={Math.min(6, Math.max(1, text.split('\n').length))}
        value={text}
        placeholder={placeholder}
        disabled={disabled}
        maxLength={4000}
        onKeyDown={onKeyDown}
        onInput={onInput}
        onBlur={() => onIdle?.()}
      />
      <button type="submit" class="send" disabled={disabled || !text.trim()} aria-label="Send">
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20.5l18-8.5L3 3.5v6.6l12 1.9-12 1.9z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}
