// A QR code drawn in the page as an inline SVG: dark modules on a white square with its quiet
// zone, whatever the colour scheme, so a phone's camera reads it in dark mode too.

import type { components } from '../shared/types';
import { qrDrawing } from './qr';

type Qr = components['schemas']['QrCode'];

/** Screen pixels per module: whole pixels keep the modules' edges sharp. */
const MODULE_PX = 4;

export function QrCode({ qr, label }: { qr: Qr; label: string }) {
  const { side, runs } = qrDrawing(qr.rows);
  return (
    <svg
      class="qr-code"
      viewBox={`0 0 ${side} ${side}`}
      width={side * MODULE_PX}
      height={side * MODULE_PX}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-qr-size={qr.size}
    >
      <rect width={side} height={side} fill="#ffffff" />
      <g fill="#000000">
        {runs.map((r) => (
          <rect key={`${r.x},${r.y}`} x={r.x} y={r.y} width={r.width} height={1} />
        ))}
      </g>
    </svg>
  );
}
