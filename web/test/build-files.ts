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

/** Files (relative to dist) referenced by an HTML page, plus every chunk they import. */
export function filesLoadedBy(htmlFile: string): string[] {
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
    if (file.endsWith('.js')) queue.push(...importsOf(file));
  }
  return [...seen];
}

/** Chunks a built JS file imports, statically or dynamically. */
function importsOf(file: string): string[] {
  const code = readFileSync(path.join(DIST, file), 'utf8');
  const dir = path.posix.dirname(file);
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)].map(([, rel]) =>
    path.posix.normalize(path.posix.join(dir, rel)),
  );
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
