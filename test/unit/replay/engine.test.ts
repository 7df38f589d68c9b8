// The engine against real local HTTP servers (loopback only): what is sent, how answers are
// compared, timing modes, the concurrency limit, errors and cancellation.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { parseHar, type HarEntry } from '../../../shared/replay/har';
import { executeReplay } from '../../../electron/services/replay/engine';
import { sendOffsets } from '../../../electron/services/replay/schedule';
import { runReplay, suggestNoiseFor } from '../../../electron/services/replay';
import { acceptNoise, listReplays, readReplay } from '../../../electron/services/replay/store';
import { openRecordDb } from '../../../electron/services/record/db';
import { generateReport } from '../../../electron/services/record/report';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  at: number;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
let counter = 0;

async function handler(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString(), at: performance.now() });
  const path = new URL(req.url!, 'http://x').pathname;
  const reply = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, ...extra });
    res.end(body);
  };
  if (path === '/slow') {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return setTimeout(() => {
      inFlight--;
      reply(200, 'application/json', '{"ok":true}');
    }, 60);
  }
  if (path === '/hang') return setTimeout(() => reply(200, 'text/plain', 'late'), 2_000);
  if (path === '/gzip') return reply(200, 'application/json; charset=utf-8', gzipSync('{"b":2,"a":1}'), { 'content-encoding': 'gzip' });
  if (path === '/price') return reply(200, 'application/json', JSON.stringify({ total: '12.50', servedAt: new Date().toISOString(), id: ++counter, items: [{ sku: 'a', etag: String(Math.random()) }] }));
  if (path === '/echo') return reply(200, 'application/json', JSON.stringify({ method: req.method, query: new URL(req.url!, 'http://x').search, body: Buffer.concat(chunks).toString() }));
  if (path === '/png') return reply(200, 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  if (path === '/nocontent') {
    res.writeHead(204);
    res.end();
    return;
  }
  return reply(404, 'text/plain', 'not found');
}

beforeAll(async () => {
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const manifest = (noise: string[] = []): BundleManifest =>
  ({
    schema: 'repro.bundle/v1',
    incident: { id: 'INC-1', title: 't', severity: 'SEV3', startedAt: '2026-01-01T00:00:00Z' },
    provenance: { source: { repo: 'r', commit: 'c' } },
    services: [{ name: 'api', image: { ref: 'x', id: `sha256:${'0'.repeat(64)}` }, ports: [{ container: 8080, ingress: true }] }],
    replay: { noise: { jsonPaths: noise, headers: ['date'] } },
    files: [],
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'test',
  }) as BundleManifest;

const session = () => ({ name: 's1', services: [{ name: 'api', endpoints: [{ container: 8080, url: base }] }] });

function entries(list: { at: number; method?: string; url: string; status: number; type?: string; body?: string; reqBody?: string; headers?: { name: string; value: string | string[] }[]; time?: number; content?: Record<string, unknown> }[]): HarEntry[] {
  const har = {
    log: {
      version: '1.2',
      entries: list.map((e) => ({
        startedDateTime: new Date(Date.UTC(2026, 0, 1) + e.at).toISOString(),
        time: e.time ?? 10,
        request: {
          method: e.method ?? 'GET',
          url: e.url,
          headers: e.headers ?? [],
          ...(e.reqBody !== undefined ? { postData: { mimeType: 'application/json', text: e.reqBody } } : {}),
        },
        response: {
          status: e.status,
          headers: e.type ? [{ name: 'Content-Type', value: e.type }] : [],
          content: e.content ?? { mimeType: e.type ?? 'text/plain', text: e.body ?? '' },
        },
      })),
    },
  };
  return parseHar(JSON.stringify(har), 'traffic/t.har');
}

describe('executeReplay', () => {
  it('replays method, query, body and headers faithfully, minus hop-by-hop and Host', async () => {
    seen.length = 0;
    const list = entries([
      {
        at: 0,
        method: 'POST',
        url: 'http://api:8080/echo?b=2&a=1&a=0',
        status: 200,
        type: 'application/json',
        body: JSON.stringify({ method: 'POST', query: '?b=2&a=1&a=0', body: '{"x":1}' }),
        reqBody: '{"x":1}',
        headers: [
          { name: 'Host', value: 'api:8080' },
          { name: 'X-Trace', value: ['t1', 't2'] },
          { name: 'Connection', value: 'keep-alive, X-Drop' },
          { name: 'X-Drop', value: 'gone' },
          { name: 'Content-Length', value: '999' },
        ],
      },
    ]);
    const { report } = await executeReplay({ session: session(), bundle: { root: '/nonexistent', manifest: manifest() }, entries: list, mode: 'max' });
    expect(report.results[0]).toMatchObject({ outcome: 'matched', status: 200, recordedStatus: 200, method: 'POST', url: 'http://api:8080/echo?b=2&a=1&a=0' });
    const s = seen[0]!;
    expect(s.url).toBe('/echo?b=2&a=1&a=0');
    expect(s.body).toBe('{"x":1}');
    expect(s.headers.host).toBe(base.replace('http://', ''));
    expect(s.headers['x-drop']).toBeUndefined();
    expect(s.headers['content-length']).toBe('7');
    expect(s.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-trace')).toHaveLength(2);
    expect(report).toMatchObject({ sent: 1, matched: 1, mismatched: 0, errors: 0, successRate: 1, mode: 'max' });
  });

  it('compares JSON as data, gzip undone, binary as bytes, 204 empty; reports mismatches with a diff', async () => {
    const list = entries([
      { at: 0, url: 'http://api/gzip', status: 200, type: 'application/json; charset=utf-8', body: '{"a":1,"b":2}' },
      { at: 1, url: 'http://api/png', status: 200, type: 'image/png', content: { mimeType: 'image/png', text: '89504e47010203' } },
      { at: 2, url: 'http://api/png', status: 200, type: 'image/png', content: { mimeType: 'image/png', text: '89504e47010204' } },
      { at: 3, url: 'http://api/nocontent', status: 204, content: { size: 10, mimeType: 'text/plain' } },
      { at: 4, url: 'http://api/missing', status: 200, type: 'text/plain', body: 'here' },
    ]);
    const { report, bodies } = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max' });
    expect(report.results.map((r) => r.outcome)).toEqual(['matched', 'matched', 'mismatched', 'matched', 'mismatched']);
    expect(report.results[2]!.diff).toContain('first difference at byte 6');
    expect(report.results[4]!.diff).toContain('status: recorded 200, replayed 404');
    expect(bodies.map((b) => b.index)).toEqual([2, 4]);
    expect(report.successRate).toBe(0.6);
  });

  it('reports connection refused, unknown hosts and timeouts as errors, and still finishes', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const sess = { name: 's', services: [...session().services, { name: 'down', endpoints: [{ container: 8080, url: deadUrl }] }] };
    const m = manifest();
    m.services.push({ ...m.services[0]!, name: 'down' });
    const list = entries([
      { at: 0, url: 'http://down/x', status: 200 },
      { at: 1, url: 'http://nowhere/x', status: 200 },
      { at: 2, url: 'http://api/hang', status: 200, type: 'text/plain', body: 'late' },
    ]);
    const { report } = await executeReplay({ session: sess, bundle: { root: '/x', manifest: m }, entries: list, mode: 'max', timeoutMs: 200 });
    expect(report.results.map((r) => r.outcome)).toEqual(['error', 'error', 'error']);
    expect(report.results[0]!.error).toMatch(/connection refused/);
    // Two services are marked ingress here, so a host that is not a service has nowhere to go.
    expect(report.results[1]!.error).toMatch(/"nowhere" is not a service of the session \(api, down\) and the bundle has 2 ingress services \(api, down\); say which with --host-map/);
    expect(report.results[2]!.error).toMatch(/timeout/);
    expect(report).toMatchObject({ sent: 3, errors: 3, successRate: 0 });
  });

  it('keeps recorded gaps (capped) as-recorded, divides them when scaled, and holds the concurrency limit at max', async () => {
    expect(sendOffsets([0, 100, 300, 60_300], { kind: 'as-recorded' }, 1000)).toEqual([0, 100, 300, 1300]);
    expect(sendOffsets([0, 100, 300], { kind: 'scaled', factor: 2 }, 1000)).toEqual([0, 50, 150]);
    expect(sendOffsets([0, 100, 300], { kind: 'max' })).toEqual([0, 0, 0]);

    // No request leaves before its offset (how much later is the machine's business: bench/).
    const timed = entries([0, 150, 300].map((at) => ({ at, url: 'http://api/echo', status: 200, type: 'application/json', body: '{}' })));
    const asRecorded = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: timed, mode: 'as-recorded' });
    expect(asRecorded.report.durationMs).toBeGreaterThanOrEqual(300);
    const scaled = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: timed, mode: 'x3' });
    expect(scaled.report.durationMs).toBeGreaterThanOrEqual(100);
    const capped = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: timed, mode: 'as-recorded', gapCapMs: 10 });
    expect(capped.report.durationMs).toBeGreaterThanOrEqual(20);

    maxInFlight = 0;
    const many = entries(Array.from({ length: 12 }, (_, i) => ({ at: i, url: 'http://api/slow', status: 200, type: 'application/json', body: '{"ok":true}' })));
    const { report } = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: many, mode: 'max', concurrency: 3 });
    expect(report.matched).toBe(12);
    expect(maxInFlight).toBe(3);
  });

  it('stops on abort: unsent requests are left out and the report says cancelled', async () => {
    const list = entries(Array.from({ length: 10 }, (_, i) => ({ at: i * 1000, url: 'http://api/echo', status: 200, type: 'application/json', body: '{}' })));
    const ctl = new AbortController();
    const progress: number[] = [];
    // Stopped once the second answer is in, while the third waits for its send time.
    const onProgress = (x: { done: number }) => {
      progress.push(x.done);
      if (x.done === 2) ctl.abort();
    };
    const { report } = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'as-recorded', signal: ctl.signal, onProgress });
    expect(report.cancelled).toBe(true);
    expect(report.sent).toBe(2);
    expect(report.total).toBe(10);
    expect(progress).toEqual([1, 2]);
  });

  it('stopped with requests in flight: they are left out, never counted as errors, and the saved report and record say cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-stop-'));
    try {
      // Two quick answers, then four requests the server holds: all six go out at once.
      const list = entries([
        ...[0, 1].map((at) => ({ at, url: 'http://api/echo', status: 200, type: 'application/json', body: JSON.stringify({ method: 'GET', query: '', body: '' }) })),
        ...[2, 3, 4, 5].map((at) => ({ at, url: 'http://api/hang', status: 200, type: 'text/plain', body: 'late' })),
      ]);
      const ctl = new AbortController();
      const sess = { ...session(), stateDir: dir, bundleId: 'INC-1', createdAt: '2026-01-01T00:00:00Z' };
      const report = await runReplay({
        session: sess,
        bundle: { root: '/x', manifest: manifest() },
        entries: list,
        mode: 'max',
        concurrency: 6,
        signal: ctl.signal,
        recordStateDir: dir,
        onProgress: (p) => {
          if (p.done === 2 && p.sent === 6) ctl.abort(); // the four /hang requests are in flight
        },
      });
      expect(report).toMatchObject({ cancelled: true, total: 6, sent: 2, matched: 2, mismatched: 0, errors: 0, successRate: 1 });
      expect(report.results.map((r) => r.outcome)).toEqual(['matched', 'matched']);
      expect((await readReplay(dir, report.id)).report).toMatchObject({ cancelled: true, errors: 0 });
      expect((await listReplays(dir))[0]).toMatchObject({ id: report.id, cancelled: true, errors: 0 });
      const db = openRecordDb(dir);
      const [recorded] = db.events(db.requireSession(sess.name).id, { kinds: ['replay'] });
      expect(recorded!.data).toMatchObject({ cancelled: true, errors: 0, sent: 2 });
      expect(generateReport(db, sess.name, { format: 'md', generator: 'test' })).toContain('max (cancelled)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a replay with many mismatches keeps every row but a capped set of bodies, saved apart; lists return summaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-many-'));
    try {
      const n = 600;
      const list = entries(Array.from({ length: n }, (_, i) => ({ at: i, url: `http://api/echo?i=${i}`, status: 200, type: 'application/json', body: JSON.stringify({ recorded: i, pad: 'x'.repeat(2000) }) })));
      const report = await runReplay({ session: { ...session(), stateDir: dir }, bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max', concurrency: 16, record: false, maxBodies: 50, maxBodyChars: 1000 });
      expect(report).toMatchObject({ sent: n, mismatched: n, bodies: { kept: 50, omitted: n - 50 } });
      expect(report.results).toHaveLength(n);
      const saved = await readReplay(dir, report.id);
      expect(saved.report.results).toHaveLength(n);
      expect(saved.bodies).toHaveLength(50);
      expect(saved.bodies.every((b) => b.recorded.length < 1100 && b.recorded.includes('(cut: '))).toBe(true);
      const listed = await listReplays(dir);
      expect(listed).toHaveLength(1);
      expect(listed[0]).not.toHaveProperty('results');
      expect(listed[0]).toMatchObject({ id: report.id, mismatched: n, bodies: { kept: 50, omitted: n - 50 } });
      // nothing half-written is left beside the files
      expect(readdirSync(join(dir, 'replays')).sort()).toEqual([`${report.id}.bodies.jsonl`, `${report.id}.json`, `${report.id}.summary.json`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores bundle noise paths, judges latency, and rejects a bad mode', async () => {
    const list = entries([{ at: 0, url: 'http://api/price', status: 200, type: 'application/json', body: JSON.stringify({ total: '12.50', servedAt: 'then', id: 0, items: [{ sku: 'a', etag: 'x' }] }) }]);
    const strict = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max' });
    expect(strict.report.results[0]!.outcome).toBe('mismatched');
    const noisy = await executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest(['$.servedAt', '$.items[*].etag', '$.id']) }, entries: list, mode: 'max' });
    expect(noisy.report.results[0]!.outcome).toBe('matched');
    expect(noisy.report.latency.judgement.verdict).toBeDefined();
    await expect(executeReplay({ session: session(), bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'fast' })).rejects.toThrow(/expected as-recorded, max or xN/);
  });
});

describe('runReplay, noise suggestion and the session folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves the report, proposes noise from two runs, and uses accepted noise next time', async () => {
    const list = entries([0, 1, 2].map((at) => ({ at, url: 'http://api/price', status: 200, type: 'application/json', body: JSON.stringify({ total: '12.50', servedAt: 'then', id: 0, items: [{ sku: 'a', etag: 'x' }] }) })));
    const sess = { ...session(), stateDir: dir };
    const first = await runReplay({ session: sess, bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max', record: false });
    expect(first.matched).toBe(0);
    const saved = await readReplay(dir, first.id);
    expect(saved.report.id).toBe(first.id);
    expect(saved.bodies).toHaveLength(3);
    expect((await listReplays(dir)).map((r) => r.id)).toEqual([first.id]);
    // the report file is the report itself; its summary and bodies sit beside it
    expect(JSON.parse(readFileSync(join(dir, 'replays', `${first.id}.json`), 'utf8')).successRate).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'replays', `${first.id}.summary.json`), 'utf8'))).not.toHaveProperty('results');
    expect(readFileSync(join(dir, 'replays', `${first.id}.bodies.jsonl`), 'utf8').trim().split('\n')).toHaveLength(3);

    const s = await suggestNoiseFor({ session: sess, bundle: { root: '/x', manifest: manifest() }, entries: list });
    expect(s.suggested.map((x) => x.path).sort()).toEqual(['$.id', '$.items[*].etag', '$.servedAt']);
    // Nothing accepted silently: the session's noise is unchanged until the user accepts.
    const again = await runReplay({ session: sess, bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max', record: false });
    expect(again.matched).toBe(0);
    await acceptNoise(dir, s.suggested.map((x) => x.path));
    const accepted = await runReplay({ session: sess, bundle: { root: '/x', manifest: manifest() }, entries: list, mode: 'max', record: false });
    expect(accepted.matched).toBe(3);
    expect(accepted.noise.jsonPaths).toEqual(['$.id', '$.items[*].etag', '$.servedAt'].sort((a, b) => s.suggested.findIndex((x) => x.path === a) - s.suggested.findIndex((x) => x.path === b)));
  });

  it('refuses a bad noise path instead of storing it', async () => {
    await expect(acceptNoise(dir, ['$'])).rejects.toThrow(/whole body/);
    await expect(acceptNoise(dir, ['items'])).rejects.toThrow(/must start with/);
  });
});
