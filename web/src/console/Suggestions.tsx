// The list of suggestions under the composer's caret (canned replies after `/`, teammates after
// `@`): a listbox whose active option the message box names with aria-activedescendant, so
// focus stays in the box while the arrow keys move through it.

import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export const SUGGESTIONS_ID = 'composer-suggestions';

export function optionId(index: number): string {
  return `composer-option-${index}`;
}

interface Props<T> {
  label: string;
  items: readonly T[];
  active: number;
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  onChoose: (item: T) => void;
  /** Shown when nothing matches. */
  empty: string;
}

export function Suggestions<T>({ label, items, active, keyOf, render, onChoose, empty }: Props<T>) {
  const list = useRef<HTMLUListElement>(null);

  useLayoutEffect(() => {
    list.current?.querySelector<HTMLElement>(`#${optionId(active)}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, items.length]);

  if (items.length === 0) {
    return (
      <p class="suggestions suggestions-empty" role="status">
        {empty}
      </p>
    );
  }
  return (
    <ul class="suggestions" id={SUGGESTIONS_ID} role="listbox" aria-label={label} ref={list}>
      {items.map((item, i) => (
        <li
          key={keyOf(item)}
          id={optionId(i)}
          role="option"
          aria-selected={i === active ? 'true' : 'false'}
          class={i === active ? 'suggestion active' : 'suggestion'}
          // Keeps the focus (and the caret) in the message box.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onChoose(item)}
        >
          {render(item)}
        </li>
      ))}
    </ul>
  );
}
