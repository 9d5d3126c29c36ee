// Check marks of a message written by my side: a clock while sending, one check when stored,
// two when delivered, two coloured when read.

import type { Delivery } from '../conversation';
import { t } from '../i18n';

export function Marks({ state }: { state: Delivery }) {
  const label = t(`marks.${state}`);
  return (
    <svg
      class={`marks marks-${state}`}
      data-state={state}
      role="img"
      aria-label={label}
      viewBox="0 0 20 12"
      width="20"
      height="12"
    >
      <title>{label}</title>
      {state === 'sending' && (
        <g fill="none" stroke="currentColor" stroke-width="1.5">
          <circle cx="10" cy="6" r="4.5" />
          <path d="M10 3.5V6l1.8 1.2" />
        </g>
      )}
      {state === 'failed' && <path d="M10 1.5v6M10 9.5v1" stroke="currentColor" stroke-width="2" />}
      {(state === 'sent' || state === 'delivered' || state === 'read') && (
        <path d="M1.5 6.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="1.6" />
      )}
      {(state === 'delivered' || state === 'read') && (
        <path d="M7.5 9.5l1 0 6-7" fill="none" stroke="currentColor" stroke-width="1.6" />
      )}
    </svg>
  );
}
