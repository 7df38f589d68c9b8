/**
 * Max-rate replay throughput vs autocannon against the same local HTTP target, in the same run.
 * Goal: at least 0.8x autocannon's requests per second.
 *
 * The target is a node:http server in a child process answering a small JSON body (stamped with
 * the time, like the sample's servedAt) over keep-alive. Both clients send the same number of
 * GETs over the same number of connections. The measured side is the real engine
 * (executeReplay, max mode): it builds each request from a HAR entry, sends it with the replay
 * client, undoes content-encoding and compares every answer as JSON with the recorded one, noise
 * path and all (every one matches). autocannon only sends and counts.
 *
 * Fairness: one unmeasured round of each warms the JIT; rounds then alternate and medians are
 * compared (`ratio`, wall clock). autocannon's clock stops at its last answer (its own run ends
 * on a whole-second tick). With taskset and at least two CPUs the clients run on CPU 0 and the
 * target on CPU 1, so neither client fights the target for a core (`--no-pin` to measure
 * without). `cpuRatio` compares requests per CPU-second of the client process.
 *
 *   npx tsx bench/replay.bench.ts [--requests 20000] [--connections 10] [--rounds 5] [--no-pin] [--json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { BundleManifest } from '../shared/bundle/manifest';
import { parseHar } from '../shared/replay/har';
import { executeReplay } from '../electron/services/replay/engine';

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
  // Run this same benchmark again, pinned to CPU 0 (the target gets CPU 1 below).
  const r = spawnSync(TASKSET, ['-c', '0', process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, REPRO_BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}
const requests = Number(values.requests);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');

// The target stamps each answer (like the sample's servedAt), so every comparison goes through
// the JSON-as-data path with a noise path, not a byte-equality shortcut.
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
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startTarget(): Promise<{ url: string; stop(): void }> {
  const argv = [process.execPath, '--input-type=module', '-e', SERVER];
  const child = pin ? spawn(TASKSET, ['-c', '1', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`target exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function manifest(): BundleManifest {
  return {
    schema: 'repro.bundle/v1',
    incident: { id: 'BENCH-REPLAY', title: 'replay benchmark', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
    provenance: { source: { repo: 'bench', commit: '0' } },
    services: [{ name: 'checkout', image: { ref: 'bench', id: `sha256:${'0'.repeat(64)}` }, ports: [{ container: 8080, ingress: true }] }],
    replay: { noise: { jsonPaths: ['$.servedAt'], headers: [] } },
    files: [],
    createdAt: '2026-11-20T15:00:00Z',
    createdBy: 'bench/replay.bench.ts',
  } as BundleManifest;
}

function harEntries(n: number) {
  const har = {
    log: {
      version: '1.2',
      entries: Array.from({ length: n }, (_, i) => ({
        startedDateTime: new Date(Date.UTC(2026, 10, 20, 14) + i).toISOString(),
        time: 20,
        request: { method: 'GET', url: `http://checkout:8080/cgi-bin/checkout?cart=small&i=${i % 100}`, headers: [{ name: 'Accept', value: 'application/json' }] },
        response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { mimeType: 'application/json', text: BODY } },
      })),
    },
  };
  return parseHar(JSON.stringify(har), 'traffic/bench.har');
}

interface Rate {
  wall: number;
  cpu: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

async function runEngine(url: string, entries: ReturnType<typeof harEntries>): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { report } = await executeReplay({
    session: { name: 'bench', services: [{ name: 'checkout', endpoints: [{ container: 8080, url }] }] },
    bundle: { root: '/nonexistent', manifest: manifest() },
    entries,
    mode: 'max',
    concurrency: connections,
  });
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  if (report.matched !== entries.length) throw new Error(`engine: only ${report.matched}/${entries.length} matched (${report.results.find((r) => r.outcome !== 'matched')?.error ?? report.results.find((r) => r.outcome !== 'matched')?.diff})`);
  return { wall: entries.length / secs, cpu: entries.length / cpu };
}

/**
 * autocannon's own rate for the same number of requests. Its run ends on a whole-second tick
 * (with `amount`, 20000 requests at 30k/s still "take" 1 s), so the clock stops at its last
 * response, not when its promise settles; reading total/elapsed would understate it.
 */
async function runAutocannon(url: string): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  let answered = 0;
  let cpu = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${url}/cgi-bin/checkout?cart=small&i=0`, connections, amount: requests, headers: { accept: 'application/json' } }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', () => {
      answered++;
      last = performance.now();
      if (answered === requests) cpu = cpuSeconds(c0);
    });
  });
  if (result.non2xx || result.errors) throw new Error(`autocannon: ${result.non2xx} non-2xx, ${result.errors} errors`);
  if (answered !== requests) throw new Error(`autocannon: ${answered} answers for ${requests} requests`);
  return { wall: requests / ((last - t0) / 1000), cpu: requests / cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const target = await startTarget();
try {
  const entries = harEntries(requests);
  // Warm both with one unmeasured round each (JIT: the engine has more code to optimise).
  await runEngine(target.url, entries);
  await runAutocannon(target.url);
  const engine: Rate[] = [];
  const baseline: Rate[] = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    baseline.push(await runAutocannon(target.url));
    engine.push(await runEngine(target.url, entries));
    log(`round ${r + 1}: autocannon ${baseline.at(-1)!.wall.toFixed(0)} req/s (${baseline.at(-1)!.cpu.toFixed(0)}/cpu-s), replay ${engine.at(-1)!.wall.toFixed(0)} req/s (${engine.at(-1)!.cpu.toFixed(0)}/cpu-s)`);
  }
  const wall = (xs: Rate[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: Rate[]) => median(xs.map((x) => x.cpu));
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const ms = performance.now() - t0;
  const doc = {
    name: 'replay max-rate throughput vs autocannon',
    ratio: round3(wall(engine) / wall(baseline)),
    cpuRatio: round3(cpu(engine) / cpu(baseline)),
    ms: Math.round(ms),
    goal: '>=0.8',
    replayRps: Math.round(wall(engine)),
    autocannonRps: Math.round(wall(baseline)),
    requests,
    connections,
    rounds,
    pinned: pin,
  };
  if (values.json) process.stdout.write(JSON.stringify(doc) + '\n');
  else log(`replay ${doc.replayRps} req/s vs autocannon ${doc.autocannonRps} req/s: ${doc.ratio}x (goal >= 0.8x); per CPU-second ${doc.cpuRatio}x`);
} finally {
  target.stop();
}
