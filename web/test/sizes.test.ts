// Size budgets of the built front end, in gzip bytes as served: the widget loader stays tiny,
// the widget's chat window light, the console's first load reasonable. Needs `npm run build`.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { DIST, filesLoadedBy, gzipSize, languageOf, requireBuild, totalGzip, withOneLanguage } from './build-files';

const KB = 1000;

/**
 * What the chat window fetches when it opens: its first load and, for a visitor not reading
 * English, one language's texts (the largest; nobody gets two).
 */
function widgetOnOpen(): string[] {
  const first = filesLoadedBy('widget/index.html', { lazy: false });
  const languages = filesLoadedBy('widget/index.html').filter(languageOf);
  const largest = [...languages].sort((a, b) => gzipSize(b) - gzipSize(a))[0];
  return [...first, largest];
}

/** What it fetches only when used: the emoji picker, and what it asks of the customer now and then. */
function widgetOnUse(): string[] {
  const first = new Set(filesLoadedBy('widget/index.html', { lazy: false }));
  return filesLoadedBy('widget/index.html').filter((f) => !first.has(f) && !languageOf(f));
}

const BUDGETS = [
  { surface: 'widget loader (widget.js)', files: () => ['widget.js'], budget: 5 * KB },
  // Files in conversations added the paperclip, drops and pastes to the first load (the code
  // that uploads and shows files comes when used): 47 KB, from 45.
  { surface: "widget's chat window (/widget/) as it opens, in any language", files: widgetOnOpen, budget: 47 * KB },
  // The emoji picker, what the organization asks now and then, and files (about 3.5 KB): 7 KB, from 5.
  { surface: "widget's chat window, parts loaded when used", files: widgetOnUse, budget: 7 * KB },
  // The console speaks English only: the languages its shared code could fetch never come.
  { surface: "console's first load (/console/)", files: () => filesLoadedBy('console/index.html').filter((f) => !languageOf(f)), budget: 150 * KB },
  { surface: 'customer app (/), in any language', files: () => withOneLanguage('index.html'), budget: 150 * KB },
];

beforeAll(requireBuild);

describe('size budgets (gzip)', () => {
  for (const { surface, files, budget } of BUDGETS) {
    test(`${surface} ≤ ${budget / KB} KB`, () => {
      const list = files();
      const size = totalGzip(list);
      console.log(`${surface}: ${(size / KB).toFixed(1)} KB gzip in ${list.length} files`);
      expect(size).toBeLessThanOrEqual(budget);
    });
  }

  test("the chat window's first load has English inline and no other language", () => {
    const first = filesLoadedBy('widget/index.html', { lazy: false });
    console.log(`widget's chat window, first load: ${(totalGzip(first) / KB).toFixed(1)} KB gzip in ${first.length} files`);
    expect(first.filter(languageOf)).toEqual([]);
    const lazy = filesLoadedBy('widget/index.html').filter(languageOf).map(languageOf).sort();
    expect(lazy).toEqual(['ar', 'de', 'es', 'fr']);
    for (const file of filesLoadedBy('widget/index.html').filter(languageOf)) {
      console.log(`language ${languageOf(file)}: ${(gzipSize(file) / KB).toFixed(1)} KB gzip`);
    }
    for (const file of widgetOnUse()) console.log(`loaded when used: ${file}, ${(gzipSize(file) / KB).toFixed(1)} KB gzip`);
    expect(widgetOnUse().some((f) => f.includes('/EmojiPicker-'))).toBe(true);
  });

  test('the chat window does not load the console or the customer app', () => {
    const files = filesLoadedBy('widget/index.html');
    expect(files.some((f) => /\/(console|app)-/.test(f))).toBe(false);
  });
});

describe('the build', () => {
  function allFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? allFiles(full) : [path.relative(DIST, full)];
    });
  }

  test('every text file has a gzip twin', () => {
    const text = allFiles(DIST).filter((f) => /\.(html|js|css|svg)$/.test(f));
    expect(text.length).toBeGreaterThan(8);
    for (const file of text) expect(gzipSize(file), file).toBeGreaterThan(0);
  });

  test('the layout the server serves', () => {
    const files = new Set(allFiles(DIST));
    for (const f of ['index.html', 'console/index.html', 'widget/index.html', 'widget.js', 'demo/index.html']) {
      expect(files.has(f), f).toBe(true);
    }
    const outside = [...files].filter((f) => f.endsWith('.js') && f !== 'widget.js' && !f.startsWith('assets/'));
    expect(outside).toEqual([]);
  });

  test('the demo page embeds the widget the way a customer site does', () => {
    const html = readFileSync(path.join(DIST, 'demo/index.html'), 'utf8');
    expect(html).toContain('<script src="/widget.js" data-organization="sample.com" async></script>');
  });

  test('no page has an inline script (the CSP allows none)', () => {
    for (const page of allFiles(DIST).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(path.join(DIST, page), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      const inline = scripts.filter(([, attrs, body]) => !/\bsrc=/.test(attrs) || body.trim());
      expect(inline, page).toEqual([]);
    }
  });
});
