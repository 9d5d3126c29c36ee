// The message box: Enter sends, Shift+Enter starts a new line; typing is reported as you type.
// Text over the server's length limit is kept whole (never cut): a counter shows near the limit
// and sending is refused, with the reason, until the text is short enough. The emoji button
// fetches the picker the first time it is pressed; a chosen emoji goes in at the caret. Where
// files are accepted, the paperclip picks them and a pasted picture is attached; a message may
// be files alone, and goes only once every file in it is uploaded.

import type { FunctionComponent } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AttachmentRef } from '../attachments';
import { MAX_MESSAGE_CHARS, lengthOfLimit, messageLength } from '../format';
import { useObservable } from '../hooks';
import { number, t } from '../i18n';
import { AttachButton } from './AttachButton';
import { type Attach, type Draft, pastedFiles } from './attach';
import type { EmojiPickerProps } from './EmojiPicker';

/** The counter shows from this length on. */
const COUNT_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

interface Props {
  /** Returning false keeps the text (and files) in the box: they were not sent. */
  onSend: (text: string, files: AttachmentRef[]) => boolean | void;
  onTyping?: () => void;
  onIdle?: () => void;
  disabled?: boolean;
  placeholder?: string;
  label?: string;
  /** Files, where they are accepted. */
  attach?: Attach | null;
  /** Where the text is kept while it is written. */
  draft?: Draft;
}

/** Fetched once, when a visitor first opens the picker. */
let picker: Promise<FunctionComponent<EmojiPickerProps>> | null = null;

export function Composer({ onSend, onTyping, onIdle, disabled, placeholder, label, attach, draft }: Props) {
  const [text, setShownText] = useState(draft?.text ?? '');
  const setText = (value: string) => {
    setShownText(value);
    if (draft) draft.text = value;
  };
  const [refused, setRefused] = useState(false);
  const [waitFiles, setWaitFiles] = useState(false);
  const list = attach?.list;
  useObservable(list);
  const files = list?.ready() ?? [];
  const [Picker, setPicker] = useState<FunctionComponent<EmojiPickerProps> | null>(null);
  const [picking, setPicking] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  /** Where the caret goes once an inserted emoji is rendered. */
  const caret = useRef<number | null>(null);
  const length = messageLength(text);
  const over = length > MAX_MESSAGE_CHARS;

  useLayoutEffect(() => {
    const el = area.current;
    if (caret.current === null || !el) return;
    el.focus();
    el.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  });

  function submit() {
    const content = text.trim();
    if ((!content && !list?.items.length) || disabled) return;
    if (over) {
      setRefused(true);
      return;
    }
    // Never without a file the writer attached.
    setWaitFiles(!!list?.blocked);
    if (list?.blocked) return;
    if (onSend(content, files) === false) return;
    setText('');
    list?.clear();
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  function change(value: string) {
    setText(value);
    if (messageLength(value) <= MAX_MESSAGE_CHARS) setRefused(false);
    if (value.trim()) onTyping?.();
    else onIdle?.();
  }

  async function togglePicker() {
    if (picking) {
      setPicking(false);
      return;
    }
    picker ??= import('./EmojiPicker').then((m) => m.EmojiPicker);
    try {
      const component = await picker;
      setPicker(() => component);
      setPicking(true);
    } catch {
      picker = null;
    }
  }

  /** Puts the emoji where the caret (or the selection) was, then the caret after it. */
  function insert(emoji: string) {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? start;
    caret.current = start + emoji.length;
    setPicking(false);
    change(text.slice(0, start) + emoji + text.slice(end));
  }

  function closePicker() {
    setPicking(false);
    emojiButton.current?.focus();
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        // Escape closes the open picker first (the widget closes on the next one).
        if (e.key === 'Escape' && picking) {
          e.preventDefault();
          closePicker();
        }
      }}
    >
      {list && attach.chunk && <attach.chunk.ComposerFiles list={list} />}
      <label class="sr-only" for="composer-text">
        {label ?? t('composer.label')}
      </label>
      <textarea
        id="composer-text"
        ref={area}
        rows={Math.min(6, Math.max(1, text.split('\n').length))}
        value={text}
        placeholder={placeholder ?? t('composer.placeholder')}
        disabled={disabled}
        aria-invalid={over ? 'true' : undefined}
        aria-describedby={length >= COUNT_FROM ? 'composer-count' : undefined}
        onKeyDown={onKeyDown}
        onInput={(e) => change((e.currentTarget as HTMLTextAreaElement).value)}
        onBlur={() => onIdle?.()}
        onPaste={(e) => {
          const pasted = attach ? pastedFiles(e.clipboardData) : [];
          if (!pasted.length) return;
          attach!.add(pasted);
          if (!e.clipboardData?.types.includes('text/plain')) e.preventDefault();
        }}
      />
      {attach && <AttachButton onFiles={attach.add} disabled={disabled} />}
      <button
        type="button"
        class="emoji-toggle"
        ref={emojiButton}
        aria-label={t('composer.emoji')}
        aria-haspopup="dialog"
        aria-expanded={picking}
        disabled={disabled}
        onClick={() => void togglePicker()}
        data-emoji-toggle=""
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8" />
          <circle cx="9" cy="10" r="1.2" fill="currentColor" />
          <circle cx="15" cy="10" r="1.2" fill="currentColor" />
          <path d="M8 14.5c1 1.5 2.3 2.2 4 2.2s3-.7 4-2.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
        </svg>
      </button>
      <button type="submit" class="send" disabled={disabled || (!text.trim() && !files.length) || list?.blocked} aria-label={t('composer.send')}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20.5l18-8.5L3 3.5v6.6l12 1.9-12 1.9z" fill="currentColor" />
        </svg>
      </button>
      {picking && Picker && <Picker onPick={insert} onClose={closePicker} />}
      {waitFiles && list?.blocked && (
        <p class="composer-note error-text" role="alert">
          {t('files.wait')}
        </p>
      )}
      {length >= COUNT_FROM && (
        <p id="composer-count" class={over ? 'composer-note composer-count over' : 'composer-note composer-count'}>
          {lengthOfLimit(length)}
        </p>
      )}
      {refused && over && (
        <p class="composer-note error-text" role="alert">
          {t('composer.tooLong', { over: number(length - MAX_MESSAGE_CHARS), max: number(MAX_MESSAGE_CHARS) })}
        </p>
      )}
    </form>
  );
}
