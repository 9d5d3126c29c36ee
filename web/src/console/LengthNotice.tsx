// Near the server's length limit the message box counts characters; over it, a refused send
// says by how much (the text is kept whole, never cut). The same words as every surface's box.

import { MAX_MESSAGE_CHARS, lengthOfLimit } from '../shared/format';

const COUNT_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

/** Whether the counter shows (the box then names it in aria-describedby). */
export function countShown(length: number): boolean {
  return length >= COUNT_FROM;
}

export function LengthNotice({ length, refused }: { length: number; refused: boolean }) {
  const over = length > MAX_MESSAGE_CHARS;
  return (
    <>
      {countShown(length) && (
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
    </>
  );
}
