/**
 * `repro up` and `repro down` as users run them (cold processes from the build) vs the same work
 * done with the docker CLI, in the same run, rounds alternating.
 *
 * 1. The sample incident (two services, images present): up + down. Goal: at most 1.3x the
 *    docker CLI (stretch 1.0x). Ours: verify, secrets, the sealed session network and the edge
 *    network, agent process, gate, volume filled from the snapshot, containers, dependsOn start
 *    with healthchecks, drift, then down.
 *    Baseline: what an engineer would type for the same sealed topology — an internal session
 *    network without a host address and an edge network, a busybox gate container on both that
 *    publishes the ingress and health ports on loopback, volume create, create (same env, limits,
 *    hardening, alias), a throwaway container + docker cp for the read-only snapshot, start in
 *    order polling each HTTP healthcheck through the gate at its interval, then rm -f / network
 *    rm / volume rm. The in-process column runs both commands through the CLI's main() in this
 *    process.
 * 2. N independent services (2, 10, 30; busybox httpd each, its /www volume filled from a
 *    snapshot, healthcheck over HTTP): up, then down. Baseline: the docker CLI doing the same
 *    work (networks and gate as above) 8 services at a time (volume, throwaway filler + docker
 *    cp, create, start, poll the health URL through the gate), then removing everything. Goals:
 *    30 services up faster than the docker CLI (ratio below 1); stretch: up of 30 within 2x up
 *    of 2; down of 30 within 1.5x down of 2.
 *
 *   npx tsx bench/up-down.bench.ts [--rounds 5] [--scale 2,10,30] [--json]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { busyboxLayer } from '../examples/build/busybox-layer';
import { buildImageArchive, buildLayerTar } from '../examples/build/image-archive';
import { ingressPort, type BundleManifest, type ServiceSpec } from '../shared/bundle/manifest';
import { startOrder } from '../electron/services/environments/start-order';
import { main } from '../electron/cli/main';
import type { CliIo } from '../electron/cli/command';
import { docker, writeBundle } from './lib/bundles';
import { alternate, emit, ensureBuilt, log, median, repro, root, row, type BenchRow } from './lib/harness';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, scale: { type: 'string', default: '2,10,30' }, json: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const scales = values.scale.split(',').map(Number);
const run = promisify(execFile);
/** The busybox image the workbench's gate runs (loaded once by the warm-up's up). */
const gateImage = 'repro-workbench/fixtures-forwarder:1';

ensureBuilt();
const work = mkdtempSync(join(tmpdir(), 'repro-bench-updown-'));
const home = join(work, 'home');
const env = { ...process.env, REPRO_HOME: home, REPRO_SECRET_PAYMENT_KEY: 'bench' };
const sample = join(root, 'examples', 'incident-checkout');

// ---- the docker CLI doing the same work ------------------------------------------------------

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

/** Up one service with the docker CLI: volumes (filled from snapshots), create (hardened, as ours), start, health through the gate. */
async function cliService(bundle: string, tag: string, svc: ServiceSpec, label: string[], volumes: string[], gatePort: (service: string, port: number) => Promise<string | undefined>): Promise<string> {
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
  const id = await docker(...args);
  await docker('start', id);
  const hc = svc.healthcheck;
  if (hc && 'http' in hc) {
    const port = await gatePort(svc.name, hc.http.port);
    await waitHttp(`http://127.0.0.1:${port}${hc.http.path}`, hc.intervalMs ?? 1000, hc.timeoutMs ?? 60000);
  }
  return id;
}

/**
 * The docker CLI: the sealed session network, the edge network and the gate, then services
 * `parallel` at a time, each after what it dependsOn; returns the time to up and the time to
 * remove everything.
 */
async function dockerCli(bundle: string, i: number, parallel: number): Promise<{ upMs: number; downMs: number }> {
  const manifest = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')) as BundleManifest;
  const tag = `bench-plain-${process.pid}-${i}`;
  const label = ['--label', `repro.bench=${tag}`];
  const containers: string[] = [];
  const volumes: string[] = [];
  const t0 = performance.now();
  await docker('network', 'create', ...label, '--internal', '-o', 'com.docker.network.bridge.inhibit_ipv4=true', tag);
  await docker('network', 'create', ...label, '-o', 'com.docker.network.bridge.enable_icc=false', `${tag}-edge`);
  let upMs: number;
  let downMs: number;
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
    const gatePort = async (service: string, port: number) => {
      const via = 20000 + forwards.findIndex((f) => f.service === service && f.port === port);
      return (await docker('port', gate, `${via}/tcp`)).split('\n')[0]!.split(':').pop();
    };
    const done = new Map<string, Promise<void>>();
    let active = 0;
    const waiting: (() => void)[] = [];
    for (const svc of startOrder(manifest.services)) {
      const deps = (svc.dependsOn ?? []).map((d) => done.get(d)!);
      done.set(
        svc.name,
        Promise.all(deps).then(async () => {
          if (active >= parallel) await new Promise<void>((r) => waiting.push(r));
          active++;
          try {
            containers.push(await cliService(bundle, tag, svc, label, volumes, gatePort));
          } finally {
            active--;
            waiting.shift()?.();
          }
        }),
      );
    }
    await Promise.all(done.values());
    upMs = performance.now() - t0;
  } finally {
    const t1 = performance.now();
    if (containers.length) await docker('rm', '-f', ...containers);
    await docker('network', 'rm', tag, `${tag}-edge`);
    if (volumes.length) await docker('volume', 'rm', ...volumes);
    downMs = performance.now() - t1;
  }
  return { upMs, downMs };
}

// ---- repro ------------------------------------------------------------------------------------

let sessions = 0;
async function reproUpDown(bundle: string, services: number): Promise<{ upMs: number; downMs: number }> {
  const session = `bench-${process.pid}-${sessions++}`;
  const up = await repro(['up', bundle, '--session', session, '--json'], { env });
  const report = JSON.parse(up.stdout) as { drift: unknown[]; services: { health: string }[] };
  if (report.drift.length) throw new Error(`unexpected drift: ${JSON.stringify(report.drift)}`);
  if (report.services.length !== services || report.services.some((s) => s.health !== 'healthy')) throw new Error(`not all healthy: ${up.stdout}`);
  const down = await repro(['down', session], { env });
  return { upMs: up.wallMs, downMs: down.wallMs };
}

function quietIo(): CliIo & { out: string } {
  const o = { out: '', stdout: (t: string) => void (o.out += t), stderr: () => {}, env, cwd: process.cwd(), isTTY: false };
  return o;
}

async function inProcessUpDown(bundle: string): Promise<number> {
  const session = `bench-${process.pid}-${sessions++}`;
  const t0 = performance.now();
  const up = quietIo();
  if ((await main(['up', bundle, '--session', session, '--json'], up)) !== 0) throw new Error(`repro up failed: ${up.out}`);
  if ((await main(['down', session], quietIo())) !== 0) throw new Error('repro down failed');
  return performance.now() - t0;
}

// ---- N independent services ------------------------------------------------------------------

function scaleBundle(n: number): string {
  const dir = join(work, `scale-${n}`);
  const image = buildImageArchive({
    repoTag: 'repro-bench/httpd:1',
    layers: [busyboxLayer()],
    config: { Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '8080', '-h', '/www'], Env: ['PATH=/bin'], WorkingDir: '/' },
  });
  const snapshot = buildLayerTar({ files: [{ path: 'health', mode: 0o644, content: 'ok\n' }, { path: 'index.html', mode: 0o644, content: '<p>bench</p>\n' }] });
  const services: ServiceSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `s${String(i).padStart(2, '0')}`,
    image: { ref: 'repro-bench/httpd:1', id: image.id, archive: 'images/httpd.tar' },
    ports: [{ container: 8080, ingress: true }],
    healthcheck: { http: { port: 8080, path: '/health' }, intervalMs: 250, timeoutMs: 60_000 },
    volumes: [{ snapshot: 'snapshots/www.tar', target: '/www' }],
  }));
  return writeBundle(
    dir,
    { incident: { id: `BENCH-SCALE-${n}`, title: `${n} independent services`, severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' }, services } as unknown as BundleManifest,
    { 'images/httpd.tar': image.bytes, 'snapshots/www.tar': snapshot },
  );
}

const rows: BenchRow[] = [];
try {
  log('warm-up: images into the engine, caches filled …');
  await reproUpDown(sample, 2);
  await dockerCli(sample, -1, 1);
  const got = await alternate(
    rounds,
    { cli: () => dockerCli(sample, 0, 1), repro: () => reproUpDown(sample, 2), inProcess: () => inProcessUpDown(sample) },
    (r, g) => log(`sample round ${r + 1}: docker CLI ${(g.cli.upMs + g.cli.downMs).toFixed(0)} ms, repro up+down ${(g.repro.upMs + g.repro.downMs).toFixed(0)} ms (in-process ${g.inProcess.toFixed(0)} ms)`),
  );
  const total = (xs: { upMs: number; downMs: number }[]) => median(xs.map((x) => x.upMs + x.downMs));
  rows.push(
    row({
      id: 'updown-sample',
      what: 'up + down of the two-service sample, images present',
      unit: 'ms',
      better: 'lower',
      ours: { command: 'repro up + repro down', value: total(got.repro) },
      baseline: { command: 'the same steps with the docker CLI', value: total(got.cli) },
      inProcess: median(got.inProcess),
      goal: 1.3,
      stretch: 1,
      rounds,
      extra: { reproUpMs: Math.round(median(got.repro.map((x) => x.upMs))), reproDownMs: Math.round(median(got.repro.map((x) => x.downMs))), cliUpMs: Math.round(median(got.cli.map((x) => x.upMs))), cliDownMs: Math.round(median(got.cli.map((x) => x.downMs))) },
    }),
  );

  const ours = new Map<number, { upMs: number; downMs: number }>();
  const cliDown = new Map<number, number>();
  for (const n of scales) {
    const bundle = scaleBundle(n);
    if (n === scales[0]) await reproUpDown(bundle, n); // loads the image
    const g = await alternate(rounds, { cli: () => dockerCli(bundle, 100 + n, 8), repro: () => reproUpDown(bundle, n) }, (r, x) =>
      log(`${n} services round ${r + 1}: docker CLI (8 at a time) up ${x.cli.upMs.toFixed(0)} / down ${x.cli.downMs.toFixed(0)} ms; repro up ${x.repro.upMs.toFixed(0)} / down ${x.repro.downMs.toFixed(0)} ms`),
    );
    const up = median(g.repro.map((x) => x.upMs));
    const down = median(g.repro.map((x) => x.downMs));
    ours.set(n, { upMs: up, downMs: down });
    cliDown.set(n, median(g.cli.map((x) => x.downMs)));
    rows.push(
      row({
        id: `up-${n}-services`,
        what: `up of ${n} independent services (a snapshot volume each)`,
        unit: 'ms',
        better: 'lower',
        ours: { command: 'repro up', value: up },
        baseline: { command: 'the docker CLI, 8 services at a time', value: median(g.cli.map((x) => x.upMs)) },
        goal: n === Math.max(...scales) ? 1 : null,
        rounds,
        extra: { reproDownMs: Math.round(down), cliDownMs: Math.round(median(g.cli.map((x) => x.downMs))) },
      }),
    );
  }
  const small = Math.min(...scales);
  const big = Math.max(...scales);
  if (big !== small) {
    rows.push(
      row({
        id: `up-${big}-vs-${small}`,
        what: `up of ${big} services vs up of ${small} (scales with the graph's depth)`,
        unit: 'ms',
        better: 'lower',
        ours: { command: `repro up (${big} services)`, value: ours.get(big)!.upMs },
        baseline: { command: `repro up (${small} services)`, value: ours.get(small)!.upMs },
        goal: null,
        stretch: 2,
        rounds,
        note: 'stretch goal: within 2x',
      }),
      row({
        id: `down-${big}-vs-${small}`,
        what: `down of ${big} services vs down of ${small}`,
        unit: 'ms',
        better: 'lower',
        ours: { command: `repro down (${big} services)`, value: ours.get(big)!.downMs },
        baseline: { command: `repro down (${small} services)`, value: ours.get(small)!.downMs },
        goal: 1.5,
        rounds,
        // The engine's own work per container (kill, unmount, leave the network, delete) is what
        // grows: the docker CLI removing the same containers pays it too.
        note: `the docker CLI's own down of ${big} vs ${small} in this run: ${(cliDown.get(big)! / cliDown.get(small)!).toFixed(2)}x (${Math.round(cliDown.get(big)!)} vs ${Math.round(cliDown.get(small)!)} ms); the engine's removal work per container is what grows, and repro's down of ${big} took ${(ours.get(big)!.downMs / cliDown.get(big)!).toFixed(2)}x the docker CLI's`,
      }),
    );
  }
} finally {
  emit(rows, values.json);
  // anything a failed round left behind (labelled by this bench only)
  const left = await run('docker', ['ps', '-aq', '--filter', `label=repro.bench`]).then((r) => r.stdout.trim());
  if (left) log(`note: containers labelled repro.bench remain (another bench may be running): ${left.split('\n').length}`);
  rmSync(work, { recursive: true, force: true });
}
