import { describe, expect, test } from 'vitest';
import { pastedFiles } from './attach';

const clipboard = (...files: File[]) => ({ files }) as unknown as DataTransfer;

describe('pastedFiles', () => {
  test('a picture from the clipboard is named pasted-image with its type’s extension', () => {
    const [png] = pastedFiles(clipboard(new File([new Uint8Array(4)], 'image.png', { type: 'image/png' })));
    expect(png.name).toBe('pasted-image.png');
    expect(png.type).toBe('image/png');
    expect(png.size).toBe(4);
    const [jpeg] = pastedFiles(clipboard(new File(['x'], '', { type: 'image/jpeg' })));
    expect(jpeg.name).toBe('pasted-image.jpg');
  });

  test('a copied file keeps its name', () => {
    const files = pastedFiles(
      clipboard(new File(['x'], 'holiday.png', { type: 'image/png' }), new File(['%PDF'], 'invoice.pdf', { type: 'application/pdf' })),
    );
    expect(files.map((f) => f.name)).toEqual(['holiday.png', 'invoice.pdf']);
  });

  test('no clipboard, no files', () => {
    expect(pastedFiles(null)).toEqual([]);
  });
});
