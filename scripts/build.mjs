#!/usr/bin/env node
// Builds everything the hosts run from dist/:
//  - Node side with esbuild: the CLI (split: each command's code is a chunk loaded when that
//    command runs, so `repro --version` loads almost nothing), Electron main (ESM), the preload
//    (CommonJS: sandboxed preloads cannot be ESM) and every electron/**/*.entry.ts (processes we
//    spawn, e.g. agents);
//  - the renderer with Vite (Monaco and its workers bundled locally).
// Usage: node scripts/build.mjs [--node-only|--renderer-only] [--prepare]
//   --prepare (npm's prepare script, run by npm install): the Node side only, and nothing at all,
//   with one line saying so, where the build tools are not installed (npm install --omit=dev).
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBuildOptions } from './lib/node-build-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prepare = process.argv.includes('--prepare');
const only = prepare ? '--node-only' : process.argv.slice(2).find((a) => a === '--node-only' || a === '--renderer-only');

let build;
try {
  ({ build } = await import('esbuild'));
} catch (err) {
  if (!prepare) throw err;
  console.log('repro: esbuild is not installed (a production install?); the CLI is not built: run `npm run build` with the dev dependencies');
  process.exit(0);
}

function findEntries(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findEntries(p));
    else if (e.name.endsWith('.entry.ts')) out.push(p);
  }
  return out;
}

const { common, esmOptions, cliOptions } = nodeBuildOptions(root);

async function buildNode() {
  const esm = ['electron/hosts/desktop/main.ts', ...findEntries(join(root, 'electron')).map((p) => relative(root, p))];
  rmSync(join(root, 'dist', 'electron', 'cli', 'chunks'), { recursive: true, force: true });
  await Promise.all([
    build(cliOptions),
    ...esm.map((entry) => build({ ...esmOptions, entryPoints: [entry], outfile: join('dist', entry.replace(/\.ts$/, '.mjs')) })),
    build({
      ...common,
      entryPoints: ['electron/hosts/desktop/preload.ts'],
      outfile: 'dist/electron/hosts/desktop/preload.cjs',
      format: 'cjs',
      external: ['electron'],
    }),
  ]);
  console.log('built node side (cli, electron main, preload, entries) into dist/');
}

async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('built renderer into dist/renderer/');
}

if (only !== '--renderer-only') await buildNode();
if (only !== '--node-only') await buildRenderer();
