// How a file is described to people: its size ("2.4 MB", in the reader's language), a short
// type ("PDF") and the box an image is drawn in before it has loaded. Pure.

import { intlLocale } from './i18n';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "512 bytes", "12 kB", "2.4 MB" (1 kB = 1024 bytes, as the limits are set). */
export function humanSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(intlLocale() ?? 'en-US', {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: unit ? 'short' : 'long',
    maximumFractionDigits: unit && value < 10 ? 1 : 0,
  }).format(value);
}

/** "PDF", "DOCX", "PNG": the name's extension, else the content type's subtype. */
export function shortType(name: string, contentType: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1];
  const sub = contentType.split(/[/;+]/)[1]?.trim();
  return (ext ?? (sub && sub.length <= 5 ? sub : 'file')).toUpperCase();
}

/** An image's size scaled down (never up) to fit `max`; a square of it when unknown. */
export function fitBox(width: number | null, height: number | null, max = { width: 240, height: 180 }): { width: number; height: number } {
  if (!width || !height) return { width: max.height, height: max.height };
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
