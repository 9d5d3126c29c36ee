// Colours for an organization's brand colour: readable text on it and a light tint of it.

function parseHex(color: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: string, b: string): number {
  const [pa, pb] = [parseHex(a), parseHex(b)];
  if (!pa || !pb) return 1;
  const [la, lb] = [luminance(pa), luminance(pb)].sort((x, y) => y - x);
  return (la + 0.05) / (lb + 0.05);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#111111') ? '#ffffff' : '#111111';
}

/** A valid #rrggbb colour, or the fallback. */
export function safeColor(color: string | undefined, fallback = '#2563eb'): string {
  const rgb = color ? parseHex(color) : null;
  return rgb ? '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('') : fallback;
}
