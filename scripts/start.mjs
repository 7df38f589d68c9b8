#!/usr/bin/env node
// `npm start`: build when needed, then open the desktop app on the sample incident. Where
// Electron's binary is absent (its download is blocked or skipped) or there is no display, say
// so in one line and start the web host instead, printing its URL: the command works anywhere.
// When no Docker engine answers, say so in one line with how to start one; everything that needs
// no engine (opening and verifying bundles, traces, metrics, records) works regardless.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
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

/** Does a Docker engine answer at DOCKER_HOST (unix:// or tcp://) or the default socket? */
function engineAnswers() {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target = where.startsWith('unix://') ? { socketPath: where.slice('unix://'.length) } : (() => {
    const u = new URL(where.replace(/^tcp:/, 'http:'));
    return { host: u.hostname, port: Number(u.port || 2375) };
  })();
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve({ ok: res.statusCode === 200, where, why: `HTTP ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (err) => resolve({ ok: false, where, why: err.code ?? err.message }));
    req.end();
  });
}

const engine = await engineAnswers();
if (!engine.ok) {
  console.log(
    `No Docker engine answers at ${engine.where} (${engine.why}): start one (\`sudo systemctl start docker\`, Docker Desktop, or \`sudo dockerd &\`) to bring environments up; everything else works without it.`,
  );
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
