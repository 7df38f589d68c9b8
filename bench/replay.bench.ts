/**
 * Max-rate replay as users run it vs autocannon, against the same target, in the same run.
 * Goal: at least 1.0x autocannon's requests per second.
 *
 * The target is a real session: `repro up` of a bundle whose one service is a node:http server
 * (in an image of this machine's node, built from files) answering a small JSON body stamped
 * with the time (like the sample's servedAt) over keep-alive, published on loopback. Both
 * clients send the same number of GETs over the same number of connections to its published
 * port:
 *  - ours: `repro replay SESSION --mode max --concurrency C --json`, a cold process from the
 *    build. It reads the bundle's HAR, builds each request, sends it, undoes content-encoding
 *    and compares every answer as JSON with the recorded one, noise path and all (every one
 *    must match); the rate is the report's own (requests / its durationMs, first send to last
 *    answer); the process also saves the report and records it, outside that time;
 *  - baseline: the autocannon CLI, a cold process (`-a N -c C`, sampling every 10 ms so its
 *    clock stops within 10 ms of its last answer); its rate is its own (requests / duration).
 * The in-process column runs the engine (executeReplay) and autocannon's API in this process,
 * after a warm-up round each, against the same session.
 *
 * With taskset and two CPUs the clients run on CPU 0 and the target container on CPU 1.
 * Rounds alternate; medians are compared.
 *
 *   npx tsx bench/replay.bench.ts [--requests 20000] [--connections 10] [--rounds 5] [--no-pin] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { BundleManifest } from '../shared/bundle/manifest';
import { parseHar } from '../shared/replay/har';
import { executeReplay } from '../electron/services/replay/engine';
import { docker, nodeImage, writeBundle } from './lib/bundles';
import { alternate, emit, ensureBuilt, log, median, repro, root, row, runProcess } from './lib/harness';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    'no-pin': { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const TASKSET = '/usr/bin/taskset';
const pin = !values['no-pin'] && cpus().length >= 2 && existsSync(TASKSET);
if (pin && process.env.REPRO_BENCH_PINNED !== '1') {
  // Run this same benchmark again pinned to CPU 0 (children inherit it; the target gets CPU 1).
  const r = spawnSync(TASKSET, ['-c', '0', process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, REPRO_BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}
const requests = Number(values.requests);
const connections = Number(values.connections);
const rounds = Number(values.rounds);

const BODY = JSON.stringify({ cart: 'small', items: 3, total: '25.80', currency: 'EUR', payment: { status: 'approved', authorization: 'auth_5KQ2M9' }, servedAt: '2026-11-20T14:03:12Z' });
const SERVER = `
import { createServer } from 'node:http';
const template = ${JSON.stringify(BODY)};
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = template.replace('2026-11-20T14:03:12Z', new Date().toISOString());
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(8080, '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
`;
const PATH = '/cgi-bin/checkout?cart=small';

function harText(n: number): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'bench', version: '1' },
      entries: Array.from({ length: n }, (_, i) => ({
        startedDateTime: new Date(Date.UTC(2026, 10, 20, 14) + i).toISOString(),
        time: 20,
        request: { method: 'GET', url: `http://checkout:8080${PATH}&i=${i % 100}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Accept', value: 'application/json' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
        response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], cookies: [], content: { size: BODY.length, mimeType: 'application/json', text: BODY }, redirectURL: '', headersSize: -1, bodySize: BODY.length },
        cache: {},
        timings: { send: 0, wait: 20, receive: 0 },
      })),
    },
  });
}

ensureBuilt();
const image = await nodeImage();
const work = mkdtempSync(join(tmpdir(), 'repro-bench-replay-'));
const env = { ...process.env, REPRO_HOME: join(work, 'home') };
const session = `bench-replay-${process.pid}`;
const har = harText(requests);
const manifest = {
  incident: { id: 'BENCH-REPLAY', title: 'replay benchmark', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
  services: [
    {
      name: 'checkout',
      image: { ref: image.ref, id: image.id },
      command: ['--input-type=module', '-e', SERVER],
      ports: [{ container: 8080, ingress: true }],
      healthcheck: { http: { port: 8080, path: '/health' }, intervalMs: 100 },
    },
  ],
  replay: { noise: { jsonPaths: ['$.servedAt'], headers: [] } },
} as const;
const bundle = writeBundle(join(work, 'bundle'), manifest as unknown as BundleManifest, { 'traffic/bench.har': har });

let up = false;
try {
  log(`repro up ${session} …`);
  const upReport = JSON.parse((await repro(['up', bundle, '--session', session, '--json'], { env })).stdout) as { services: { containerId: string; endpoints: { url: string }[] }[] };
  up = true;
  const url = upReport.services[0]!.endpoints[0]!.url;
  if (pin) await docker('update', '--cpuset-cpus', '1', upReport.services[0]!.containerId);

  const cli = async () => {
    const s = await repro(['replay', session, '--mode', 'max', '--concurrency', String(connections), '--json'], { env });
    const report = JSON.parse(s.stdout) as { total: number; matched: number; durationMs: number };
    if (report.matched !== requests) throw new Error(`repro replay: only ${report.matched}/${requests} matched`);
    return { rps: requests / (report.durationMs / 1000), wallMs: s.wallMs };
  };
  const autocannonCli = async () => {
    const s = await runProcess([process.execPath, join(root, 'node_modules', 'autocannon', 'autocannon.js'), '-c', String(connections), '-a', String(requests), '-L', '10', '-j', '-H', 'accept=application/json', `${url}${PATH}&i=0`]);
    const r = JSON.parse(s.stdout) as { requests: { total: number }; duration: number; errors: number; non2xx: number };
    if (r.errors || r.non2xx || r.requests.total !== requests) throw new Error(`autocannon: ${r.requests.total} answers, ${r.errors} errors, ${r.non2xx} non-2xx`);
    return { rps: r.requests.total / r.duration, wallMs: s.wallMs };
  };

  // In this process: the engine and autocannon's API, same target.
  const entries = parseHar(har, 'traffic/bench.har');
  const target = { name: session, services: [{ name: 'checkout', endpoints: [{ container: 8080, url }] }] };
  const engineInProcess = async () => {
    const t0 = performance.now();
    const { report } = await executeReplay({ session: target, bundle: { root: bundle, manifest: manifest as unknown as BundleManifest }, entries, mode: 'max', concurrency: connections });
    const secs = (performance.now() - t0) / 1000;
    if (report.matched !== entries.length) throw new Error(`engine: only ${report.matched}/${entries.length} matched`);
    return entries.length / secs;
  };
  // autocannon's own run ends on a sampling tick; its clock here stops at its last answer.
  const autocannonInProcess = async () => {
    const t0 = performance.now();
    let last = t0;
    let answered = 0;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url: `${url}${PATH}&i=0`, connections, amount: requests, headers: { accept: 'application/json' } }, (err, res) => (err ? reject(err) : resolve(res)));
      instance.on('response', () => {
        answered++;
        last = performance.now();
      });
    });
    if (result.non2xx || result.errors || answered !== requests) throw new Error(`autocannon: ${answered} answers, ${result.non2xx} non-2xx, ${result.errors} errors`);
    return requests / ((last - t0) / 1000);
  };

  log('warm-up (the target JIT-compiles its handler) …');
  await engineInProcess();
  await autocannonInProcess();
  const got = await alternate(
    rounds,
    { autocannon: autocannonCli, repro: cli, autocannonInProcess, engineInProcess },
    (r, g) =>
      log(
        `round ${r + 1}: autocannon ${g.autocannon.rps.toFixed(0)} req/s, repro replay ${g.repro.rps.toFixed(0)} req/s (process ${g.repro.wallMs.toFixed(0)} ms); in-process: autocannon ${g.autocannonInProcess.toFixed(0)}, engine ${g.engineInProcess.toFixed(0)} req/s`,
      ),
  );
  const rps = (xs: { rps: number }[]) => median(xs.map((x) => x.rps));
  emit(
    [
      row({
        id: 'replay-max-rate',
        what: `max-rate replay, ${requests / 1000}k requests over ${connections} connections, every answer compared`,
        unit: 'req/s',
        better: 'higher',
        ours: { command: `repro replay S --mode max --concurrency ${connections}`, value: rps(got.repro) },
        baseline: { command: `autocannon -a ${requests} -c ${connections}`, value: rps(got.autocannon) },
        inProcess: median(got.engineInProcess),
        inProcessBaseline: median(got.autocannonInProcess),
        goal: 1,
        rounds,
        extra: { pinned: pin, reproProcessWallMs: Math.round(median(got.repro.map((x) => x.wallMs))), autocannonProcessWallMs: Math.round(median(got.autocannon.map((x) => x.wallMs))), autocannonInProcessRps: Math.round(median(got.autocannonInProcess)) },
      }),
    ],
    values.json,
  );
} finally {
  if (up) await repro(['down', session], { env, expectStatus: null }).catch((err: Error) => log(`repro down: ${err.message}`));
  rmSync(work, { recursive: true, force: true });
}
