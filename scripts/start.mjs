#!/usr/bin/env node
// `npm start`: build when needed, then open the desktop app on the sample incident. Where
// Electron's binary is absent (its download is blocked or skipped) or there is no display, say
// so in one line and start the web host instead, printing its URL: the command works anywhere.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from './lib/freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);


if (buildIsStale(root)) {
  console.log('Building the workbench (first start, or sources changed)…');
  if (spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root }).status !== 0) process.exit(1);
}

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    if (!existsSync(join(dir, 'path.txt'))) return { reason: "Electron's binary is not installed (its download was skipped or blocked)" };
    const bin = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(bin) ? { bin } : { reason: `Electron's binary is missing at ${bin}` };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electron = electronBinary();
if (electron.bin && hasDisplay) {
  const child = spawn(electron.bin, [root, '--open-sample'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = electron.reason ?? 'no display is available';
  console.log(`Desktop app unavailable (${why}); starting the web host instead — open the URL below in a browser.`);
  const child = spawn(process.execPath, [join(root, 'bin', 'repro.js'), 'serve', '--open-sample', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, REPRO_USE_DIST: '1' },
  });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
