// The acceptance test of capture, on the real engine and Debian's docker-compose: a compose project
// with data in a volume and secrets in its env; traffic recorded through `repro record-traffic` (a
// separate process, stopped with SIGINT); `repro capture`; the project and its images torn down;
// `repro verify`; `repro up` with the secrets supplied (images loaded from the bundle);
// `repro replay`: every recorded request matches (noise path given at capture). No secret value
// appears in any byte of the bundle, tars and the packed archive included.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { createDockerClient } from '../../../electron/services/docker-engine';
import type { CaptureReport } from '../../../shared/capture/report';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { removeSessions, repoRoot, uniqueSession } from '../environments/helpers';
import { startComposeApp, type ComposeApp } from './compose-app';

const docker = createDockerClient();
const work = mkdtempSync(join(tmpdir(), 'repro-capture-it-'));
const home = join(work, 'home');
const bundle = join(work, 'bundle');
const packed = join(work, 'bundle.tgz');
const session = uniqueSession('capture');
// Credentials sent by the client while recording: redacted, never in the bundle.
const bearer = `tok_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const queryToken = `qt${Math.random().toString(36).slice(2)}`;
const apiKey = `ak${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
let app: ComposeApp;

function cli(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), env: { ...process.env, REPRO_HOME: home, ...env }, cwd: work, isTTY: false };
  return io;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** `repro record-traffic` as its own process, the way an engineer runs it. */
async function recordThroughProxy(har: string): Promise<void> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'repro.js'), 'record-traffic', '--target', app.webUrl, '--listen', '127.0.0.1:0', '-o', har], {
    cwd: work,
    env: { ...process.env, REPRO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`record-traffic exited ${code} before listening: ${stderr}`)));
  });
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, { headers });
    expect(res.status, path).toBe(200);
    return res.text();
  };
  expect(JSON.parse(await get('/cgi-bin/orders', { authorization: `Bearer ${bearer}` })).orders).toHaveLength(2);
  expect(JSON.parse(await get(`/cgi-bin/price?sku=A1&token=${queryToken}`))).toEqual({ sku: 'A1', price: '12.50' });
  expect(JSON.parse(await get('/cgi-bin/report')).report).toBe('daily'); // gzip on the wire, decoded by fetch
  const quote = await fetch(url + '/cgi-bin/quote', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'B7', qty: 2 }) });
  expect(await quote.json()).toEqual({ quote: { sku: 'B7', qty: 2 }, total: '25.00' });
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(0);
}

describe('capture round trip: compose project -> bundle -> up -> replay', () => {
  let report: CaptureReport;
  let manifest: BundleManifest;

  beforeAll(async () => {
    app = await startComposeApp();
    const har = join(work, 'recorded.har');
    await recordThroughProxy(har);
    // A dependency's answers from another tool, with credentials of its own: capture redacts them.
    writeFileSync(
      join(work, 'payments.har'),
      JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 'devtools', version: '1' },
          entries: [
            {
              startedDateTime: '2026-11-20T14:03:00.000Z',
              time: 3,
              request: { method: 'GET', url: 'http://payments.example.com/v1/status', httpVersion: 'HTTP/1.1', headers: [{ name: 'X-Api-Key', value: apiKey }, { name: 'Cookie', value: `s=${apiKey}` }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
              response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], cookies: [], content: { size: 11, mimeType: 'application/json', text: '{"ok":true}' }, redirectURL: '', headersSize: -1, bodySize: 11 },
              cache: {},
              timings: { send: 0, wait: 3, receive: 0 },
            },
          ],
        },
      }),
    );
    expect(await main(['keygen', '-o', join(work, 'key')], cli())).toBe(0);
    const io = cli();
    const code = await main(
      ['capture', '--project', app.project, '-o', bundle, '--traffic', har, '--fixtures', join(work, 'payments.har'), '--noise', '$.servedAt', '--logs', 'all', '--incident-id', 'INC-CAP-1', '--title', 'orders slow', '--severity', 'SEV3', '--sign', join(work, 'key.key.pem'), '--pack', packed, '--json'],
      io,
    );
    expect(code, io.err + io.out).toBe(0);
    report = JSON.parse(io.out) as CaptureReport;
    manifest = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')) as BundleManifest;
    // Tear the project down, images included: the bundle alone must bring it back.
    await app.down();
    await app.removeImages();
  }, 240_000);

  afterAll(async () => {
    await main(['down', session], cli()).catch(() => 1);
    await removeSessions(docker, [session]);
    await app?.down();
    await app?.removeImages();
    rmSync(work, { recursive: true, force: true });
  });

  it('describes both services from the engine, secrets by name and by value, with reasons', () => {
    expect(report.bundle).toMatchObject({ path: bundle, id: 'INC-CAP-1', packed });
    // every image and snapshot archive's digest came from the capture's single pass
    expect(report.verify).toEqual({ ok: true, signature: 'untrusted', archivesFromCapture: report.totals.images + report.totals.snapshots });
    expect(report.verify.archivesFromCapture).toBeGreaterThan(0);
    const web = manifest.services.find((s) => s.name === 'web')!;
    const pricing = manifest.services.find((s) => s.name === 'pricing')!;
    expect(web.image).toMatchObject({ ref: app.images.web, archive: 'images/web.tar' });
    expect(app.imageIds).toContain(web.image.id);
    expect(web.env).toEqual({ PRICING_URL: 'http://pricing:9000', LOG_LEVEL: 'info' });
    expect([...web.secrets!].sort((a, b) => a.name.localeCompare(b.name))).toEqual([{ name: 'DATABASE_URL' }, { name: 'PAYMENT_KEY' }]);
    expect(report.services.find((s) => s.name === 'web')!.secrets).toEqual(
      expect.arrayContaining([
        { name: 'PAYMENT_KEY', reason: 'name contains KEY' },
        { name: 'DATABASE_URL', reason: 'value is a URL with user:password' },
      ]),
    );
    expect(web.ports).toEqual([{ container: 8080, ingress: true }]);
    expect(web.healthcheck).toEqual({ http: { port: 8080, path: '/cgi-bin/health' }, intervalMs: 1000 });
    expect(web.dependsOn).toEqual(['pricing']);
    expect(web.volumes).toEqual([{ target: '/data', snapshot: 'snapshots/web-0.tar' }]);
    expect(pricing.volumes).toEqual([{ target: '/cache', snapshot: 'snapshots/pricing-0.tar' }]);
    expect(manifest.provenance.source).toMatchObject({ repo: 'https://git.example.com/shop/app' });
    expect(manifest.replay).toEqual({ noise: { jsonPaths: ['$.servedAt'] } });
  });

  it('redacted the recorded credentials and re-addressed the host port to web', () => {
    // record-traffic redacted its own recording before writing it; capture redacts what it is given.
    const recorded = readFileSync(join(bundle, 'traffic', 'recorded.har'), 'utf8');
    expect(recorded).toContain('"value": "Bearer [redacted]"');
    expect(recorded).toContain('token=%5Bredacted%5D');
    expect(report.redacted.har.map((h) => `${h.file} ${h.location} ${h.name}`).sort()).toEqual(['fixtures/payments.har request.header Cookie', 'fixtures/payments.har request.header X-Api-Key']);
    expect(report.traffic).toEqual([
      { file: 'traffic/recorded.har', entries: 4, readdressed: [{ from: app.webUrl, to: 'http://web:8080', why: expect.stringMatching(/published by web/), count: 4 }], unresolved: [] },
    ]);
    for (const line of readFileSync(join(bundle, 'logs', 'web.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      expect(Object.keys(JSON.parse(line))).toEqual(['ts', 'service', 'stream', 'msg']);
    }
  });

  it('leaves no secret value in any byte of the bundle, tars and the packed archive included', () => {
    const values = [app.secrets.PAYMENT_KEY, app.secrets.dbPassword, bearer, queryToken, apiKey];
    const files = allFiles(bundle);
    expect(files.some((f) => f.endsWith('.tar'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const v of values) expect(bytes.indexOf(v), `${f} holds a secret`).toBe(-1);
    }
    const tar = gunzipSync(readFileSync(packed));
    for (const v of values) expect(tar.indexOf(v)).toBe(-1);
  });

  it('verifies, comes up with the secrets supplied, and replays with every request matching', async () => {
    const verify = cli();
    expect(await main(['verify', bundle, '--key', join(work, 'key.pub.pem'), '--json'], verify), verify.out).toBe(0);
    expect(await main(['verify', packed, '--key', join(work, 'key.pub.pem')], cli())).toBe(0);

    const up = cli({ REPRO_SECRET_PAYMENT_KEY: app.secrets.PAYMENT_KEY, REPRO_SECRET_DATABASE_URL: app.secrets.DATABASE_URL });
    expect(await main(['up', bundle, '--session', session, '--json'], up), up.err + up.out).toBe(0);
    const upReport = JSON.parse(up.out) as { services: { name: string; health: string }[]; drift: unknown[] };
    expect(upReport.services.find((s) => s.name === 'web')!.health).toBe('healthy');

    const replay = cli();
    expect(await main(['replay', session, '--json'], replay), replay.err).toBe(0);
    const r = JSON.parse(replay.out) as { total: number; matched: number; results: { outcome: string; url: string; diff?: unknown; error?: string }[] };
    expect(r.results.filter((x) => x.outcome !== 'matched')).toEqual([]);
    expect(r.total).toBe(4);
    expect(r.matched).toBe(4);
  });
});
