// Writes a gzip twin (`<file>.gz`, level 9) next to every text file of the build, which the
// server sends to browsers that accept gzip.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TEXT = /\.(html|js|mjs|css|svg|json|txt|webmanifest|map)$/;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

let count = 0;
for await (const file of files(dist)) {
  if (!TEXT.test(file)) continue;
  await writeFile(`${file}.gz`, gzipSync(await readFile(file), { level: 9 }));
  count += 1;
}
console.log(`compressed ${count} files in ${path.relative(process.cwd(), dist) || '.'}`);
