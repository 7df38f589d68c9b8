// Capture against a real Prometheus (Debian's, started here on loopback, scraping itself as two
// jobs "canary" and "baseline"), and every bad input the issue names, each on the real engine:
// a project or container that does not exist, a stopped container, an -o that is not empty, a
// Prometheus that answers an error or not at all, an engine that goes away mid-capture, a full
// disk. Each gives one message naming what and where, exit 1, and nothing in -o or beside it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxLayer } from '../../../examples/build/busybox-layer';
import { buildImageArchive } from '../../../examples/build/image-archive';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { freePort } from '../../../electron/services/environments/host-address';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { sh } from './compose-app';
import { captureBundle } from '../../../electron/services/capture';
import { createDockerClient } from '../../../electron/services/docker-engine';

const execFileAsync = promisify(execFile);
const runId = randomBytes(4).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'repro-capture-fail-'));
const home = join(work, 'home');
const image = `repro-capture-it/tiny:${runId}`;
const running = `repro-cap-tiny-${runId}`;
const stopped = `repro-cap-stopped-${runId}`;
const volume = `repro-cap-vol-${runId}`;
let imageId = '';
const apiToken = `tok-${runId}-${randomBytes(8).toString('hex')}`;
let prometheus: ChildProcess | undefined;
let promUrl = '';

function cli(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), env: { ...process.env, REPRO_HOME: home, ...env }, cwd: work, isTTY: false };
  return io;
}

async function capture(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = cli(env);
  const code = await main(['capture', ...args], io);
  return { code, out: io.out, err: io.err };
}

/** Nothing of a failed capture is left: not in -o, not beside it. */
function expectNothingWritten(out: string): void {
  expect(existsSync(out), `${out} exists`).toBe(false);
  const parent = join(out, '..');
  expect(readdirSync(parent).filter((n) => n.includes('.capture-'))).toEqual([]);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const archive = buildImageArchive({
    repoTag: image,
    layers: [busyboxLayer(), { files: [{ path: 'etc/repro-test-run', mode: 0o644, content: runId }] }],
    config: { Entrypoint: ['/bin/sleep'], Cmd: ['100000'], Env: ['PATH=/bin'], WorkingDir: '/' },
  });
  imageId = archive.id;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('docker', ['load'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`docker load ${c}`))));
    child.stdin.end(archive.bytes);
  });
  await sh('docker', ['run', '-d', '--name', running, '--label', `repro.capture-test=${runId}`, '-v', `${volume}:/data`, '-e', 'GREETING=hello', '-e', `API_TOKEN=${apiToken}`, image]);
  await sh('docker', ['exec', running, 'sh', '-c', 'echo orders > /data/orders.txt']);
  await sh('docker', ['create', '--name', stopped, '--label', `repro.capture-test=${runId}`, image]);

  // Prometheus, scraping itself as two jobs every second.
  const port = await freePort('127.0.0.1');
  promUrl = `http://127.0.0.1:${port}`;
  mkdirSync(join(work, 'prom'));
  writeFileSync(
    join(work, 'prom', 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: canary\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n  - job_name: baseline\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
  );
  prometheus = spawn('/usr/bin/prometheus', [`--config.file=${join(work, 'prom', 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'prom', 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let promErr = '';
  prometheus.stderr!.on('data', (c: Buffer) => (promErr += c.toString()));
  // Ready once both jobs have a few samples.
  await waitFor(`Prometheus samples (${promErr})`, async () => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('count_over_time(up[1m])')}`);
    const doc = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    return doc.data.result.length === 2 && doc.data.result.every((r) => Number(r.value[1]) >= 4) ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  for (const c of [running, stopped]) await sh('docker', ['rm', '-f', '-v', c]).catch(() => undefined);
  await sh('docker', ['volume', 'rm', '-f', volume]).catch(() => undefined);
  await sh('docker', ['rmi', '-f', image, imageId]).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('capture with Prometheus metrics', () => {
  it('writes each query_range answer to metrics/ and the canary section, which the judge reads', async () => {
    const out = join(work, 'with-metrics');
    const to = new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const from = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await capture([
      '--containers', running, '-o', out, '--json',
      '--prometheus', promUrl, '--metric', 'scrape_seconds:either=scrape_duration_seconds', '--metric', 'samples=scrape_samples_scraped',
      '--from', from, '--to', to, '--step', '1s', '--canary-selector', 'job=canary', '--baseline-selector', 'job=baseline',
    ]);
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')) as BundleManifest;
    expect(manifest.canary).toEqual({
      metrics: [
        { name: 'scrape_seconds', file: 'metrics/scrape_seconds.json', direction: 'either' },
        { name: 'samples', file: 'metrics/samples.json', direction: 'increase' },
      ],
      selectors: { canary: { job: 'canary' }, baseline: { job: 'baseline' } },
    });
    const doc = JSON.parse(readFileSync(join(out, 'metrics', 'scrape_seconds.json'), 'utf8')) as { status: string; data: { resultType: string; result: { metric: Record<string, string>; values: unknown[] }[] } };
    expect(doc.status).toBe('success');
    expect(doc.data.resultType).toBe('matrix');
    expect(doc.data.result.map((s) => s.metric.job).sort()).toEqual(['baseline', 'canary']);
    expect(doc.data.result.every((s) => s.values.length >= 3)).toBe(true);
    // The service and its volume came along too.
    expect(manifest.services[0]).toMatchObject({ name: running, env: { GREETING: 'hello' }, volumes: [{ target: '/data', snapshot: `snapshots/${running}-0.tar` }] });

    const judge = cli();
    expect(await main(['judge', out, '--json'], judge), judge.err).toBe(0);
    const verdict = JSON.parse(judge.out) as { metrics: { name: string; classification: string }[] };
    expect(verdict.metrics.map((m) => m.name).sort()).toEqual(['samples', 'scrape_seconds']);
    expect(verdict.metrics.every((m) => m.classification !== 'Nodata')).toBe(true);
  });

  it('stops with the server and its error when Prometheus answers an error, and when nothing answers', async () => {
    const out = join(work, 'bad-query');
    const args = ['--containers', running, '-o', out, '--from', '2026-11-20T14:00:00Z', '--to', '2026-11-20T14:05:00Z', '--metric', 'broken=rate(up['];
    const r = await capture([...args, '--prometheus', promUrl]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Prometheus at ${promUrl} (metric broken: rate(up[): answered bad_data`);
    expectNothingWritten(out);
    const closed = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
    const r2 = await capture([...args, '--prometheus', closed]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain(`Prometheus at ${closed} (metric broken: rate(up[): no answer (ECONNREFUSED)`);
    expectNothingWritten(out);
  });
});

describe('bad input: one clear message, exit 1, nothing left behind', () => {
  it('a compose project that does not exist', async () => {
    const out = join(work, 'no-project');
    const r = await capture(['--project', `no-such-project-${runId}`, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`No compose project named "no-such-project-${runId}": no container carries the label com.docker.compose.project=no-such-project-${runId}`);
    expectNothingWritten(out);
  });

  it('a container that does not exist, and a stopped one', async () => {
    const out = join(work, 'no-container');
    const r = await capture(['--containers', `${running},nope-${runId}`, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`No container named or with id "nope-${runId}" on the engine`);
    const r2 = await capture(['--containers', stopped, '-o', out]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain(`Container ${stopped} is created, not running`);
    expectNothingWritten(out);
  });

  it('an -o that exists and is not empty is left exactly as it was', async () => {
    const out = join(work, 'not-empty');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const r = await capture(['--containers', running, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`-o ${out} exists and is not empty`);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('an engine that goes away in the middle of an image save', async () => {
    // A socket that forwards to the real engine and drops every connection once 256 KiB of an
    // answer went through: the image save breaks half-way.
    const sock = join(work, 'flaky-docker.sock');
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const engine = createConnection('/var/run/docker.sock');
      sockets.add(client).add(engine);
      let bytes = 0;
      client.pipe(engine);
      engine.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > 256 * 1024) {
          client.destroy();
          engine.destroy();
          return;
        }
        client.write(c);
      });
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(sock, () => r()));
    try {
      const out = join(work, 'engine-gone');
      const r = await capture(['--containers', running, '-o', out], { DOCKER_HOST: `unix://${sock}` });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`The Docker engine at unix://${sock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} went away while saving image sha256:[0-9a-f]{64} of service ${running}`));
      expectNothingWritten(out);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
    // The container is left as it was.
    expect(await sh('docker', ['inspect', '-f', '{{.State.Status}}', running])).toBe('running');
  });

  it('a secret value that ended up in a volume stops the capture, naming the file inside the snapshot', async () => {
    await sh('docker', ['exec', running, 'sh', '-c', 'printf "token=%s\\n" "$API_TOKEN" > /data/app.env']);
    try {
      const out = join(work, 'leak');
      const r = await capture(['--containers', running, '-o', out]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `Capture stopped: snapshots/${running}-0.tar (./app.env) contains the value of API_TOKEN of service ${running}, taken for a secret (name contains TOKEN). Nothing was written to ${out}.`,
      );
      expect(r.err).not.toContain(apiToken);
      expectNothingWritten(out);
    } finally {
      await sh('docker', ['exec', running, 'rm', '/data/app.env']);
    }
  });

  it('a cancel (Ctrl-C in the CLI, op.cancel in the UI) in the middle of an image save', async () => {
    const out = join(work, 'cancelled');
    const controller = new AbortController();
    const run = captureBundle({
      docker: createDockerClient(),
      selection: { containers: [running] },
      out,
      createdBy: 'test',
      engineEndpoint: 'unix:///var/run/docker.sock',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.label.startsWith('Saving image') && p.done > 0) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: 'Capture cancelled; nothing was written' });
    expectNothingWritten(out);
  });

  it('a full disk', async () => {
    const mnt = join(work, 'tiny-disk');
    mkdirSync(mnt);
    await execFileAsync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]);
    try {
      const out = join(mnt, 'bundle');
      const r = await capture(['--containers', running, '-o', out]);
      expect(r.code).toBe(1);
      // the image save and the volume copy run side by side: whichever fills the disk first is named
      expect(r.err).toMatch(/No space left on the device while (saving image|copying \/data)/);
      expectNothingWritten(out);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      await execFileAsync('umount', [mnt]);
    }
  });
});
