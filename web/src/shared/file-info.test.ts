import { afterEach, describe, expect, test } from 'vitest';
import { fitBox, humanSize, shortType } from './file-info';
import { setLocale } from './i18n';

afterEach(async () => {
  await setLocale('en', null);
});

describe('humanSize', () => {
  test('bytes, then kB, MB and GB of 1024', () => {
    expect(humanSize(0)).toBe('0 bytes');
    expect(humanSize(512)).toBe('512 bytes');
    expect(humanSize(1024)).toBe('1 kB');
    expect(humanSize(1536)).toBe('1.5 kB');
    expect(humanSize(2.4 * 1024 * 1024)).toBe('2.4 MB');
    expect(humanSize(10 * 1024 * 1024)).toBe('10 MB');
    expect(humanSize(123.4 * 1024 * 1024)).toBe('123 MB');
    expect(humanSize(1024 ** 3)).toBe('1 GB');
    expect(humanSize(5 * 1024 ** 4)).toBe('5,120 GB');
  });

  test('in the reader’s language', async () => {
    // French puts a narrow no-break space before the unit.
    const spaced = (text: string) => text.replace(/\s/g, ' ');
    await setLocale('fr', null);
    expect(spaced(humanSize(2.5 * 1024 * 1024))).toBe('2,5 Mo');
    await setLocale('de', null);
    expect(spaced(humanSize(2.5 * 1024 * 1024))).toBe('2,5 MB');
  });
});

describe('shortType', () => {
  test('the extension, else the type’s subtype', () => {
    expect(shortType('report.pdf', 'application/pdf')).toBe('PDF');
    expect(shortType('Budget 2026.XLSX', 'application/octet-stream')).toBe('XLSX');
    expect(shortType('notes', 'text/plain; charset=utf-8')).toBe('PLAIN');
    expect(shortType('scan', 'image/png')).toBe('PNG');
    expect(shortType('archive', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('FILE');
  });
});

describe('fitBox', () => {
  test('scales down into the box, keeping the shape, never up', () => {
    expect(fitBox(1280, 960)).toEqual({ width: 240, height: 180 });
    expect(fitBox(400, 1000)).toEqual({ width: 72, height: 180 });
    expect(fitBox(2000, 100)).toEqual({ width: 240, height: 12 });
    expect(fitBox(100, 50)).toEqual({ width: 100, height: 50 });
  });

  test('a square when the size is unknown', () => {
    expect(fitBox(null, null)).toEqual({ width: 180, height: 180 });
  });
});
