#!/usr/bin/env node
// Builds everything the hosts run from dist/:
//  - Node side with esbuild: the CLI, Electron main (ESM), the preload (CommonJS: sandboxed
//    preloads cannot be ESM) and every electron/**/*.entry.ts (processes we spawn, e.g. agents);
//  - the renderer with Vite (Monaco and its workers bundled locally).
// Usage: node scripts/build.mjs [--node-only|--renderer-only]
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];

function findEntries(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findEntries(p));
    else if (e.name.endsWith('.entry.ts')) out.push(p);
  }
  return out;
}

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };

async function buildNode() {
  const esm = ['electron/cli/main.ts', 'electron/hosts/desktop/main.ts', ...findEntries(join(root, 'electron')).map((p) => relative(root, p))];
  await Promise.all([
    ...esm.map((entry) =>
      build({
        ...common,
        entryPoints: [entry],
        outfile: join('dist', entry.replace(/\.ts$/, '.mjs')),
        format: 'esm',
        packages: 'external', // node_modules resolve at run time (native modules, electron)
        // a require() shim for CommonJS dependencies pulled into an ESM bundle
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      }),
    ),
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
