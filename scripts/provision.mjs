#!/usr/bin/env node
// What the test suites need from the machine, in one place: `npm test` and `.ci/run` both call it.
// On Debian as root it installs what is missing and starts the Docker engine, saying so in one line
// each; anywhere else it fails with exactly what to install. Nothing is skipped silently.
//
//   node scripts/provision.mjs [unit|integration|e2e ...]   (default: all three)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian packages the suites use, each with how we tell it is present. */
export const PARTS = [
  { pkg: 'docker.io', what: 'the Docker engine (dockerd)', suites: ['integration', 'e2e'], present: () => onPath('dockerd') || engineAnswers() },
  { pkg: 'busybox-static', what: 'static busybox (the sample images are built from it)', suites: ['integration', 'e2e'], present: () => existsSync('/bin/busybox') },
  { pkg: 'docker-compose', what: 'docker-compose (a real compose project for capture tests)', suites: ['integration', 'e2e'], present: () => onPath('docker-compose') },
  { pkg: 'prometheus', what: 'Prometheus (a real server for metrics capture)', suites: ['integration', 'e2e'], present: () => existsSync('/usr/bin/prometheus') },
  { pkg: 'docker-registry', what: 'a Docker registry (image pushes for the swarm runtime)', suites: ['integration', 'e2e'], present: () => existsSync('/usr/bin/docker-registry') },
  { pkg: 'openssl', what: 'openssl (the remote-engine test makes its TLS certificates with it)', suites: ['integration'], present: () => onPath('openssl') },
  { pkg: 'chromium', what: "Chromium (e2e tests drive Debian's browser; replay tests record HAR with it)", suites: ['integration', 'e2e'], present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function engineAnswers() {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

const canInstall = () => process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');

/**
 * Make the machine ready for `suites`. Returns null when ready, or a message saying exactly what is
 * missing and how to get it.
 */
export async function provision(suites, log = (line) => console.log(`provision: ${line}`)) {
  const needed = PARTS.filter((p) => p.suites.some((s) => suites.includes(s)));
  const missing = needed.filter((p) => !p.present());
  if (missing.length) {
    if (!canInstall()) {
      return `missing: ${missing.map((p) => `${p.what} [Debian package ${p.pkg}]`).join('; ')}.\n  Install with: sudo apt-get install --no-install-recommends ${missing.map((p) => p.pkg).join(' ')}`;
    }
    log(`installing ${missing.map((p) => p.pkg).join(', ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.pkg)], { stdio: ['ignore', 'ignore', 'inherit'], env });
    const still = missing.filter((p) => !p.present());
    if (!install || install.status !== 0 || still.length) return `apt-get could not install ${still.map((p) => p.pkg).join(', ') || missing.map((p) => p.pkg).join(', ')}`;
  }
  if (suites.some((s) => s === 'integration' || s === 'e2e') && !engineAnswers()) {
    if (!canInstall() || !onPath('dockerd')) {
      return 'the Docker engine does not answer. Start it (`sudo systemctl start docker`, Docker Desktop, or `sudo dockerd &`); integration and e2e tests use the real engine.';
    }
    const logFile = '/tmp/dockerd.log';
    log(`no Docker engine answers; starting dockerd in the background (log: ${logFile})`);
    const out = openSync(logFile, 'a');
    spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] }).unref();
    const deadline = Date.now() + 60_000;
    while (!engineAnswers()) {
      if (Date.now() > deadline) return `dockerd did not answer within 60 s; see ${logFile}`;
      await new Promise((r) => setTimeout(r, 500));
    }
    log('the Docker engine answers');
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const problem = await provision(chosen.length ? chosen : ['unit', 'integration', 'e2e']);
  if (problem) {
    console.error(`provision: ${problem}`);
    process.exit(1);
  }
  console.log('provision: ready');
}
