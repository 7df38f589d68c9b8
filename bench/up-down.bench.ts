/**
 * `repro up` + `repro down` of the sample incident (images already present) vs the same work
 * done with plain docker CLI calls, in the same run. Goal: at most 1.3x.
 *
 * Measured side: the real commands, in-process through the CLI's main (verify, secrets check,
 * session network, agent process with its plugins, volume filled from the snapshot, containers,
 * dependsOn start with healthchecks, drift, then down).
 * Baseline: what an engineer would type for the same sealed topology — an internal session
 * network without a host address and an edge network, a busybox gate container on both that
 * publishes the ingress and health ports on loopback, volume create, create (same env, limits,
 * hardening, alias), a throwaway container + docker cp for the read-only snapshot, start in order
 * polling each HTTP healthcheck through the gate at its interval, then rm -f / network rm /
 * volume rm. Rounds alternate; medians of wall time are compared.
 *
 *   npx tsx bench/up-down.bench.ts [--rounds 3] [--json]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { main } from '../electron/cli/main';
import type { CliIo } from '../electron/cli/command';
import { ingressPort, type BundleManifest } from '../shared/bundle/manifest';
import { startOrder } from '../electron/services/environments/start-order';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');
const run = promisify(execFile);
const docker = async (...args: string[]) => (await run('docker', args, { maxBuffer: 16 << 20 })).stdout.trim();
/** The busybox image the workbench's gate runs (loaded once by the warm-up's up). */
const gateImage = 'repro-workbench/fixtures-forwarder:1';

const bundle = join(import.meta.dirname, '..', 'examples', 'incident-checkout');
const manifest = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')) as BundleManifest;
const home = mkdtempSync(join(tmpdir(), 'repro-bench-updown-'));
const env = { ...process.env, REPRO_HOME: home, REPRO_SECRET_PAYMENT_KEY: 'bench' };

function io(): CliIo & { out: string } {
  const o = { out: '', stdout: (t: string) => void (o.out += t), stderr: () => {}, env, cwd: process.cwd(), isTTY: false };
  return o;
}

async function measured(i: number): Promise<number> {
  const session = `bench-${process.pid}-${i}`;
  const t0 = performance.now();
  const up = io();
  if ((await main(['up', bundle, '--session', session, '--json'], up)) !== 0) throw new Error(`repro up failed: ${up.out}`);
  const report = JSON.parse(up.out) as { drift: unknown[] };
  if (report.drift.length) throw new Error(`unexpected drift: ${JSON.stringify(report.drift)}`);
  if ((await main(['down', session], io())) !== 0) throw new Error('repro down failed');
  return performance.now() - t0;
}

async function waitHttp(url: string, intervalMs: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${url} not healthy`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function baseline(i: number): Promise<number> {
  const tag = `bench-plain-${process.pid}-${i}`;
  const label = ['--label', `repro.bench=${tag}`];
  const t0 = performance.now();
  await docker('network', 'create', ...label, '--internal', '-o', 'com.docker.network.bridge.inhibit_ipv4=true', tag);
  await docker('network', 'create', ...label, '-o', 'com.docker.network.bridge.enable_icc=false', `${tag}-edge`);
  const containers: string[] = [];
  const volumes: string[] = [];
  try {
    // the gate: one loopback port per ingress/health port, forwarding by service name
    const forwards = startOrder(manifest.services).flatMap((svc) => {
      const ports = new Set<number>();
      const ingress = ingressPort(svc);
      if (ingress) ports.add(ingress);
      if (svc.healthcheck && 'http' in svc.healthcheck) ports.add(svc.healthcheck.http.port);
      return [...ports].map((port) => ({ service: svc.name, port }));
    });
    const script = forwards.map((f, n) => `/bin/busybox nc -ll -p ${20000 + n} -e /bin/busybox nc ${f.service} ${f.port} &`).join('\n') + '\nwait';
    const gate = await docker('create', ...label, '--network', `${tag}-edge`, '--cap-drop', 'ALL', '--read-only', '--security-opt', 'no-new-privileges', ...forwards.flatMap((_, n) => ['-p', `127.0.0.1::${20000 + n}`]), gateImage, 'sh', '-c', script);
    containers.push(gate);
    await docker('network', 'connect', '--alias', 'agent.repro.internal', tag, gate);
    await docker('start', gate);
    for (const svc of startOrder(manifest.services)) {
      const args = ['create', ...label, '--name', `${tag}-${svc.name}`, '--network', tag, '--network-alias', svc.name, '--hostname', svc.name, '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--pids-limit', '4096'];
      for (const cap of ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID']) args.push('--cap-add', cap);
      for (const [k, v] of Object.entries(svc.env ?? {})) args.push('-e', `${k}=${v}`);
      for (const s of svc.secrets ?? []) args.push('-e', `${s.name}=bench`);
      if (svc.resources?.memoryMb) args.push('--memory', `${svc.resources.memoryMb}m`);
      if (svc.resources?.cpus) args.push('--cpus', String(svc.resources.cpus));
      for (const [n, v] of (svc.volumes ?? []).entries()) {
        const vol = `${tag}-${svc.name}-${n}`;
        await docker('volume', 'create', ...label, vol);
        volumes.push(vol);
        if (v.snapshot) {
          const filler = await docker('create', ...label, '-v', `${vol}:${v.target}`, svc.image.id);
          // `docker cp -` reads a tar from stdin: give it the snapshot
          await new Promise<void>((resolve, reject) => {
            const child = execFile('docker', ['cp', '-', `${filler}:${v.target}`], (err) => (err ? reject(err) : resolve()));
            child.stdin!.end(readFileSync(join(bundle, v.snapshot!)));
          });
          await docker('rm', '-f', filler);
        }
        args.push('--mount', `type=volume,source=${vol},target=${v.target}${v.readOnly ? ',readonly' : ''}`);
      }
      if (svc.entrypoint) args.push('--entrypoint', svc.entrypoint[0]!);
      args.push(svc.image.id, ...(svc.entrypoint?.slice(1) ?? []), ...(svc.command ?? []));
      containers.push(await docker(...args));
    }
    for (const [n, svc] of startOrder(manifest.services).entries()) {
      await docker('start', containers[n + 1]!);
      const hc = svc.healthcheck;
      if (hc && 'http' in hc) {
        const via = 20000 + forwards.findIndex((f) => f.service === svc.name && f.port === hc.http.port);
        const port = (await docker('port', containers[0]!, `${via}/tcp`)).split('\n')[0]!.split(':').pop();
        await waitHttp(`http://127.0.0.1:${port}${hc.http.path}`, hc.intervalMs ?? 1000, hc.timeoutMs ?? 60000);
      }
    }
  } finally {
    if (containers.length) await docker('rm', '-f', ...containers);
    await docker('network', 'rm', tag, `${tag}-edge`);
    if (volumes.length) await docker('volume', 'rm', ...volumes);
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // warm-up: images present in the engine, tsx's transform cache filled, sockets warm
  log('warm-up …');
  await measured(-1);
  await baseline(-1);
  const ours: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(await baseline(i));
    ours.push(await measured(i));
    log(`round ${i + 1}: repro ${ours[i]!.toFixed(0)} ms, docker CLI ${plain[i]!.toFixed(0)} ms`);
  }
  const ms = median(ours);
  const base = median(plain);
  const result = { name: 'up+down sample vs docker CLI', ratio: ms / base, ms, baselineMs: base, goal: 1.3, rounds };
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
  else log(`up+down: ${ms.toFixed(0)} ms vs docker CLI ${base.toFixed(0)} ms -> ${(ms / base).toFixed(2)}x (goal <= 1.3x)`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
