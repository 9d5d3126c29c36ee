// Choosing a conversation's labels: a button that opens a small panel of the organization's
// labels as checkboxes (with a filter when there are many). Escape or a click elsewhere closes
// it and focus returns to the button.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useObservable } from '../shared/hooks';
import type { Label } from '../shared/types';
import { LabelChip } from './LabelChip';
import { href } from './route';
import { useTools } from './tools';

/** The server keeps at most this many labels on a conversation. */
export const MAX_LABELS = 10;

interface Props {
  chosen: readonly string[];
  onChange: (labels: string[]) => void;
}

export function LabelPicker({ chosen, onChange }: Props) {
  const tools = useTools();
  useObservable(tools.labels);
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    box.current?.querySelector<HTMLElement>('input')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  function close() {
    setOpen(false);
    setFilter('');
    button.current?.focus();
  }

  const all = tools.labels.labels;
  const shown = all.filter((l) => l.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const full = chosen.length >= MAX_LABELS;
  const toggle = (label: Label, on: boolean) => onChange(on ? [...chosen, label.id] : chosen.filter((id) => id !== label.id));

  return (
    <div class="label-picker" ref={box}>
      <button
        type="button"
        class="btn btn-small"
        ref={button}
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={open ? 'label-picker-panel' : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        + Label
      </button>
      {open && (
        <div
          id="label-picker-panel"
          class="picker-panel"
          role="group"
          aria-label="Labels of this conversation"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        >
          {all.length > 6 && (
            <input type="search" class="picker-filter" aria-label="Find a label" placeholder="Find a label" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          )}
          {all.length === 0 && (
            <p class="muted small">
              No labels yet.{' '}
              {tools.workspace.isAdmin ? <a href={href('labels')}>Create labels</a> : 'An admin creates them.'}
            </p>
          )}
          <ul class="picker-options">
            {shown.map((l) => {
              const on = chosen.includes(l.id);
              return (
                <li key={l.id}>
                  <label class="check">
                    <input type="checkbox" checked={on} disabled={!on && full} onChange={(e) => toggle(l, e.currentTarget.checked)} />
                    <LabelChip label={l} />
                  </label>
                </li>
              );
            })}
          </ul>
          {full && <p class="muted small">A conversation has at most {MAX_LABELS} labels.</p>}
        </div>
      )}
    </div>
  );
}
