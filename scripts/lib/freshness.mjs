// Is dist/ older than the sources it is built from? Used by `npm start` and `npm test` to build
// only when needed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function buildIsStale(root) {
  const outputs = [join(root, 'dist', 'renderer', 'index.html'), join(root, 'dist', 'electron', 'cli', 'main.mjs')];
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return Math.max(...['renderer', 'shared', 'electron'].map((d) => newestMtime(join(root, d)))) > built;
}
