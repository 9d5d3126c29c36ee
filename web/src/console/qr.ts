// A QR code as the server sends it (rows of `1` dark and `0` light modules) turned into the
// rectangles an inline SVG draws: each run of dark modules in a row is one rectangle, and a
// light margin of four modules (the quiet zone scanners need) surrounds the code.

/** The quiet zone around a QR code, in modules. */
export const QR_MARGIN = 4;

/** One run of dark modules, in modules from the drawing's top left corner. */
export interface QrRun {
  x: number;
  y: number;
  width: number;
}

export interface QrDrawing {
  /** The side of the square drawing in modules, margin included. */
  side: number;
  runs: QrRun[];
}

export function qrDrawing(rows: string[], margin = QR_MARGIN): QrDrawing {
  const size = Math.max(rows.length, ...rows.map((r) => r.length));
  const runs: QrRun[] = [];
  rows.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= row.length; x++) {
      const dark = row[x] === '1';
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start + margin, y: y + margin, width: x - start });
        start = -1;
      }
    }
  });
  return { side: size + 2 * margin, runs };
}
