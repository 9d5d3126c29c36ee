// Reads the built surfaces: which files a page loads (its scripts, preloads and stylesheets,
// and the chunks those scripts import), and their gzip sizes from the build's .gz twins.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

export function requireBuild(): void {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`no build in ${DIST}: run \`npm run build\` before \`npm test\``);
  }
}

/**
 * Files (relative to dist) referenced by an HTML page, plus every chunk they import: with
 * `lazy` (the default) also those imported dynamically, when needed; without, only the first load.
 */
export function filesLoadedBy(htmlFile: string, { lazy = true } = {}): string[] {
  const html = readFileSync(path.join(DIST, htmlFile), 'utf8');
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/([^"]+)"[^>]*>/g)]
    .filter(([tag]) => !/rel="icon"/.test(tag))
    .map(([, ref]) => ref);
  const seen = new Set<string>([htmlFile]);
  const queue = [...refs];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.js')) queue.push(...importsOf(file, lazy));
  }
  return [...seen];
}

/** Chunks a built JS file imports statically, and with `lazy` dynamically too. */
function importsOf(file: string, lazy: boolean): string[] {
  const code = readFileSync(path.join(DIST, file), 'utf8');
  const dir = path.posix.dirname(file);
  const pattern = lazy
    ? /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+\.js)["']/g
    : /(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+\.js)["']/g;
  return [...code.matchAll(pattern)].map(([, rel]) => path.posix.normalize(path.posix.join(dir, rel)));
}

/** The chunk of a language's texts (`assets/de-HASH.js`, the app's own `assets/app-de-HASH.js`), by its language. */
export function languageOf(file: string): string | null {
  return /^assets\/(?:app-)?(de|fr|es|ar)-[\w-]+\.js$/.exec(file)?.[1] ?? null;
}

/** Every file a page may load, but of the language chunks only those of one language (the largest). */
export function withOneLanguage(htmlFile: string): string[] {
  const all = filesLoadedBy(htmlFile);
  const size = (lang: string) => all.filter((f) => languageOf(f) === lang).reduce((n, f) => n + gzipSize(f), 0);
  const largest = ['de', 'fr', 'es', 'ar'].sort((a, b) => size(b) - size(a))[0];
  return all.filter((f) => !languageOf(f) || languageOf(f) === largest);
}

/** Size of the file's gzip twin written by the build. */
export function gzipSize(file: string): number {
  const gz = path.join(DIST, `${file}.gz`);
  if (!existsSync(gz)) throw new Error(`${file} has no gzip twin (${file}.gz)`);
  return statSync(gz).size;
}

export function totalGzip(files: string[]): number {
  return files.reduce((sum, f) => sum + gzipSize(f), 0);
}
