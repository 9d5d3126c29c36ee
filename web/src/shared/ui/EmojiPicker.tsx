// A compact emoji picker, its own chunk (the message box fetches it when first opened). One
// button per emoji in a grid: arrow keys move (mirrored right to left), Home and End jump,
// Enter or Space inserts, Escape or a click elsewhere closes and gives the focus back.

import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';

/** Common emoji of support chats: faces, hands, hearts, and a few things people ask about. */
export const EMOJI = [
  '😀', '😄', '😁', '😂', '🙂', '😉', '😊', '😍',
  '😘', '😎', '🤔', '😐', '😕', '😢', '😭', '😡',
  '😮', '😴', '🙏', '👍', '👎', '👌', '👏', '🙌',
  '👋', '💪', '❤️', '💔', '🔥', '⭐', '🎉', '✅',
  '❌', '⚠️', '❓', '💡', '📦', '🚚', '💳', '⏰',
];
const COLUMNS = 8;

export interface EmojiPickerProps {
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/** Where focus goes from `index` on `key` in a grid of `count` cells, `columns` wide (null: not a move). */
export function moveInGrid(index: number, key: string, count: number, columns: number, rtl: boolean): number | null {
  const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
  const back = rtl ? 'ArrowRight' : 'ArrowLeft';
  let next: number;
  if (key === forward) next = index + 1;
  else if (key === back) next = index - 1;
  else if (key === 'ArrowDown') next = index + columns;
  else if (key === 'ArrowUp') next = index - columns;
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = count - 1;
  else return null;
  return Math.min(count - 1, Math.max(0, next));
}

export function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const box = useRef<HTMLDivElement>(null);

  // Focus moves in as the picker shows, so the keys that follow are the picker's.
  useLayoutEffect(() => {
    box.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);

  useEffect(() => {
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (box.current && !box.current.contains(target) && !(target as Element).closest?.('[data-emoji-toggle]')) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      // The chat window closes on Escape too: only the picker closes here.
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const buttons = [...(box.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const rtl = getComputedStyle(box.current!).direction === 'rtl';
    const next = moveInGrid(index, e.key, buttons.length, COLUMNS, rtl);
    if (next === null) return;
    e.preventDefault();
    buttons.forEach((b, i) => (b.tabIndex = i === next ? 0 : -1));
    buttons[next].focus();
  }

  return (
    <div class="emoji-picker" ref={box} role="dialog" aria-label={t('composer.emojiList')} onKeyDown={onKeyDown} data-emoji-picker="">
      <div class="emoji-grid" role="group" aria-label={t('composer.emojiList')}>
        {EMOJI.map((emoji, i) => (
          <button key={emoji} type="button" class="emoji" tabIndex={i === 0 ? 0 : -1} onClick={() => onPick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );
}
