// The message box: Enter sends, Shift+Enter starts a new line; typing is reported as you type.
// Text over the server's length limit is kept whole (never cut): a counter shows near the limit
// and sending is refused, with the reason, until the text is short enough.

import { useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_CHARS, lengthOfLimit, messageLength } from '../format';

/** The counter shows from this length on. */
const COUNT_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

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
  const [refused, setRefused] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const length = messageLength(text);
  const over = length > MAX_MESSAGE_CHARS;

  function submit() {
    const content = text.trim();
    if (!content || disabled) return;
    if (over) {
      setRefused(true);
      return;
    }
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
    if (messageLength(value) <= MAX_MESSAGE_CHARS) setRefused(false);
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
        aria-invalid={over ? 'true' : undefined}
        aria-describedby={length >= COUNT_FROM ? 'composer-count' : undefined}
        onKeyDown={onKeyDown}
        onInput={onInput}
        onBlur={() => onIdle?.()}
      />
      <button type="submit" class="send" disabled={disabled || !text.trim()} aria-label="Send">
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20.5l18-8.5L3 3.5v6.6l12 1.9-12 1.9z" fill="currentColor" />
        </svg>
      </button>
      {length >= COUNT_FROM && (
        <p id="composer-count" class={over ? 'composer-note composer-count over' : 'composer-note composer-count'}>
          {lengthOfLimit(length)}
        </p>
      )}
      {refused && over && (
        <p class="composer-note error-text" role="alert">
          This message is {(length - MAX_MESSAGE_CHARS).toLocaleString('en-US')} characters too long to send (at most{' '}
          {MAX_MESSAGE_CHARS.toLocaleString('en-US')}). Shorten it or split it into several messages.
        </p>
      )}
    </form>
  );
}
