// The scrolling history of a conversation: older pages load when scrolled to the top (keeping
// the view in place), new messages scroll into view when the reader is at the bottom. A
// message's files show under its text (a message of files alone shows only them).

import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Api } from '../api';
import { type AttachmentRef, attachmentsOf } from '../attachments';
import type { Conversation, TimelineItem } from '../conversation';
import { clockTime } from '../format';
import { t } from '../i18n';
import { splitLinks } from '../links';
import { useFilesChunk } from './attach';
import { Marks } from './Marks';

interface Props {
  conversation: Conversation;
  /** Shown before the first message once the beginning is loaded (a welcome message). */
  intro?: ComponentChildren;
  onLoadOlder?: () => void;
  onRetry?: (clientMsgId: string) => void;
  /** Names are shown on messages not written by this side. */
  showOwnNames?: boolean;
  /** Reads the files messages carry. */
  api?: Api;
}

export function MessageList({ conversation, intro, onLoadOlder, onRetry, showOwnNames, api }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const items = conversation.timeline();
  const first = items[0]?.key;
  const last = items[items.length - 1]?.key;
  const memory = useRef({ first: undefined as string | undefined, last: undefined as string | undefined, height: 0, atBottom: true });

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const m = memory.current;
    const prepended = first !== m.first && last === m.last && m.height > 0;
    if (prepended) {
      el.scrollTop += el.scrollHeight - m.height;
    } else if (last !== m.last || m.height === 0) {
      if (m.atBottom || isMine(items[items.length - 1], conversation)) el.scrollTop = el.scrollHeight;
    }
    Object.assign(m, { first, last, height: el.scrollHeight });
  });

  function onScroll() {
    const el = box.current;
    if (!el) return;
    memory.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    memory.current.height = el.scrollHeight;
    if (el.scrollTop < 60 && conversation.hasOlder) onLoadOlder?.();
  }

  return (
    <div class="messages" ref={box} onScroll={onScroll} role="log" aria-label={t('chat.messages')} aria-live="polite" tabIndex={0}>
      {conversation.hasOlder && (
        <button type="button" class="older" onClick={() => onLoadOlder?.()}>
          {t('chat.older')}
        </button>
      )}
      {!conversation.hasOlder && intro}
      {items.map((item) => (
        <Bubble key={item.key} item={item} conversation={conversation} onRetry={onRetry} showOwnNames={showOwnNames} api={api} />
      ))}
    </div>
  );
}

function isMine(item: TimelineItem | undefined, conv: Conversation): boolean {
  return !!item && (item.kind === 'pending' || item.message.sender_type === conv.mySide);
}

function Bubble({ item, conversation, onRetry, showOwnNames, api }: {
  item: TimelineItem;
  conversation: Conversation;
  onRetry?: (id: string) => void;
  showOwnNames?: boolean;
  api?: Api;
}) {
  if (item.kind === 'pending') {
    const { pending } = item;
    return (
      <div class="bubble mine pending" data-pending="true">
        {pending.content && (
          <div class="content" dir="auto">
            <MessageText text={pending.content} />
          </div>
        )}
        <Files files={pending.attachments} api={api} />
        <div class="meta">
          {pending.failed ? (
            <>
              <span class="failed">{pending.failed}</span>
              <button type="button" class="link" onClick={() => onRetry?.(pending.clientMsgId)}>
                {t('chat.retry')}
              </button>
              <Marks state="failed" />
            </>
          ) : (
            <Marks state="sending" />
          )}
        </div>
      </div>
    );
  }
  const { message } = item;
  if (message.sender_type === 'system') {
    return (
      <div class="system-note" data-seq={message.seq}>
        {message.content}
      </div>
    );
  }
  const mine = message.sender_type === conversation.mySide;
  // A private note of the agents: marked as such, and without check marks (the customer never gets it).
  const note = message.internal;
  const delivery = note ? null : conversation.delivery(message);
  return (
    <div class={`bubble ${mine ? 'mine' : 'theirs'}${note ? ' note' : ''}`} data-seq={message.seq} data-internal={note ? 'true' : undefined}>
      {note && <div class="note-label">{t('chat.note')}</div>}
      {(!mine || showOwnNames) && <div class="sender"><bdi>{message.sender_name}</bdi></div>}
      {/* Each message reads in its own direction (English in an Arabic window, and back). */}
      {(message.content || !attachmentsOf(message).length) && (
        <div class="content" dir="auto">
          <MessageText text={message.content} />
        </div>
      )}
      <Files files={attachmentsOf(message)} api={api} />
      <div class="meta">
        <time dateTime={message.created_at}>{clockTime(message.created_at)}</time>
        {delivery && <Marks state={delivery} />}
      </div>
    </div>
  );
}

/** A message's files, drawn once their chunk is here. */
function Files({ files, api }: { files: AttachmentRef[]; api?: Api }) {
  const chunk = useFilesChunk(files.length > 0 && !!api);
  if (!files.length || !api) return null;
  return chunk ? <chunk.MessageFiles files={files} api={api} /> : <div class="message-files" aria-busy="true" />;
}

/**
 * A message's text with its web links (http and https only) clickable, opening apart from the
 * chat and passing nothing on; the rest is text, never markup.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, i) =>
        part.href ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
