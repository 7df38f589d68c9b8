#!/usr/bin/env node
// The `repro` command. It runs the build (dist/electron/cli/main.mjs: a small entry that loads a
// command's code only when that command runs). In a checkout whose electron/ or shared/ sources
// are newer than the build, it rebuilds the Node side first (esbuild, a few seconds, one line on
// stderr), or says how when the build tools are not installed. REPRO_USE_SOURCE=1 runs the
// TypeScript sources through tsx instead (slow to start; for debugging).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'electron', 'cli', 'main.mjs');
const checkout = existsSync(join(root, 'electron', 'cli', 'main.ts'));

/** Newest modification time under `dir` (files only). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.isFile()) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function stale() {
  if (!existsSync(built)) return true;
  const at = statSync(built).mtimeMs;
  return newest(join(root, 'electron')) > at || newest(join(root, 'shared')) > at || statSync(join(root, 'package.json')).mtimeMs > at;
}

/** Rebuild the Node side, one process at a time (parallel test runs share dist/). */
function rebuild() {
  const lock = join(root, 'dist', '.build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another repro is building: wait for it, then look again (a lock older than 3 min is stale)
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      if (!existsSync(lock) && !stale()) return true;
    }
  }
  try {
    if (!stale()) return true;
    process.stderr.write('repro: building the CLI (the sources are newer than dist/) …\n');
    return spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--node-only'], { cwd: root, stdio: ['ignore', 2, 2] }).status === 0;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let entry = built;
if (checkout && process.env.REPRO_USE_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  entry = join(root, 'electron', 'cli', 'main.ts');
} else if (checkout && process.env.REPRO_USE_DIST !== '1' && stale()) {
  let canBuild = true;
  try {
    await import('esbuild');
  } catch {
    canBuild = false;
  }
  if (!canBuild || !rebuild()) {
    process.stderr.write(`repro: ${existsSync(built) ? 'the build is older than the sources' : 'the CLI is not built'}; run \`npm run build\` (or \`npm install\`, which builds it)\n`);
    if (!existsSync(built)) process.exit(1);
  }
}
if (!existsSync(entry)) {
  process.stderr.write(`repro: ${entry} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
