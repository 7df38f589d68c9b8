#!/usr/bin/env node
// The `repro` command. In a checkout it runs the TypeScript source through tsx, so `npx --no-install
// repro` works right after `npm ci` without a build; a packaged install has only the built dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'electron', 'cli', 'main.ts');
const built = join(root, 'dist', 'electron', 'cli', 'main.mjs');

let entry = built;
if (process.env.REPRO_USE_DIST !== '1' && existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  } catch {
    // tsx is a devDependency: without it, fall back to the build
  }
}
if (!existsSync(entry)) {
  process.stderr.write(`repro: ${entry} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
