// A label as a coloured chip (its text black or white, whichever reads on the colour), and a
// conversation's priority as a small badge.

import { safeColor, textOn } from '../shared/color';
import type { Label, Priority } from '../shared/types';
import { priorityName } from './list-filter';

export function LabelChip({ label, onRemove }: { label: Label; onRemove?: () => void }) {
  const background = safeColor(label.color);
  return (
    <span class="label-chip" style={{ background, color: textOn(background) }} data-label={label.name}>
      {label.name}
      {onRemove && (
        <button type="button" class="chip-remove" aria-label={`Remove label ${label.name}`} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === 'none') return null;
  return (
    <span class={`priority-badge priority-${priority}`} data-priority={priority}>
      {priorityName(priority)}
    </span>
  );
}
