// Human-readable times and durations.

import { intlLocale, number, t } from './i18n';

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(intlLocale(), { hour: '2-digit', minute: '2-digit' });
}

/** "14:05" today, "Mon 14:05" this week, else a date. */
export function shortWhen(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const days = (now - d.getTime()) / 86_400_000;
  if (new Date(now).toDateString() === d.toDateString()) return clockTime(iso);
  if (days < 6) return d.toLocaleDateString(intlLocale(), { weekday: 'short' }) + ' ' + clockTime(iso);
  return d.toLocaleDateString(intlLocale());
}

/** "<1 min", "4 min", "2 h 5 min", "3 d". */
export function duration(fromIso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - new Date(fromIso).getTime()) / 60_000));
  if (minutes < 1) return '<1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** The first line of a message, shortened for lists. */
export function preview(content: string, max = 80): string {
  const line = content.split('\n')[0];
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/** The longest message the server accepts, in characters after trimming. */
export const MAX_MESSAGE_CHARS = 4000;

/** A message's length as the server counts it: Unicode characters of the trimmed text. */
export function messageLength(text: string): number {
  let n = 0;
  for (const _ of text.trim()) n += 1;
  return n;
}

/** "4,012 / 4,000": the length against the limit. */
export function lengthOfLimit(length: number, limit = MAX_MESSAGE_CHARS): string {
  return `${number(length)} / ${number(limit)}`;
}

type Text = { content: string; attachments?: { name: string }[] | null };

/** A message's text, or for files alone their names ("📎 photo.png"). */
export function textOrFiles(message: Text): string {
  return message.content || (message.attachments?.length ? `📎 ${message.attachments.map((a) => a.name).join(', ')}` : '');
}

/** What a list shows of a conversation's message; system notes (who joined, closed) are not news. */
export function messagePreview(message: Text & { sender_type: string; internal?: boolean }, max = 80): string | null {
  if (message.sender_type === 'system') return null;
  const text = textOrFiles(message);
  return preview(message.internal ? `Note: ${text}` : text, max);
}

type Line = Text & { sender_type: string };

/**
 * A customer's list line of a conversation: what people last wrote ("You: …" when it was them),
 * also when the last message is a note such as who closed it.
 */
export function customerLastLine(s: { last_message: Line | null; preview?: Line | null }): string {
  const last = s.last_message && s.last_message.sender_type !== 'system' ? s.last_message : (s.preview ?? null);
  if (!last) return t('list.noMessage');
  const text = messagePreview(last) ?? '';
  return last.sender_type === 'client' ? t('list.you', { text }) : text;
}
