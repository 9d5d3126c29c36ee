// A notice above the composer: the queue position, the offline message, a lost connection.

import type { ComponentChildren } from 'preact';

export function Banner({ kind, children }: { kind: 'info' | 'warn'; children: ComponentChildren }) {
  return (
    <div class={`banner banner-${kind}`} role="status">
      {children}
    </div>
  );
}
