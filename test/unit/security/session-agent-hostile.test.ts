/**
 * Hostile corpus, attacks 4, 8 and 10 on what a session's containers can send to its agent:
 * the OTLP receiver stored every POST (up to 32 MB each, no total: a session could fill the
 * disk), stored bodies that are not export requests (breaking `repro traces` on the folder),
 * answered a gzip bomb with 400 instead of 413 and protobuf requests' errors in JSON; the
 * fixtures stub read any body whole and logged every unmatched request without a bound.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { startOtlpReceiver, type OtlpReceiver } from '../../../electron/services/environments/otlp/receiver';
import { startFixturesServer, type FixturesServer } from '../../../electron/services/replay/fixtures-stub';

const span = (name: string) => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name, startTimeUnixNano: '1', endTimeUnixNano: '2' });
const exportRequest = (name = 'ok', pad = '') => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...span(name), attributes: pad ? [{ key: 'pad', value: { stringValue: pad } }] : [] }] }] }] });

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'hostile-agent-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));
const post = (url: string, type: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': type, ...headers }, body: typeof body === 'string' ? body : Buffer.from(body) });

describe('OTLP receiver', () => {
  let receiver: OtlpReceiver;
  let url: string;
  let out: string;
  beforeAll(async () => {
    out = join(home, 'otlp');
    receiver = await startOtlpReceiver({ host: '127.0.0.1', outDir: out, quota: { maxBytes: 64 * 1024, maxFiles: 4 } });
    url = `http://127.0.0.1:${receiver.port}/v1/traces`;
  });
  afterAll(() => receiver.close());

  it('stores nothing that is not an export request with spans, and the folder still reads', async () => {
    expect((await post(url, 'application/json', exportRequest('good'))).status).toBe(200);
    for (const junk of ['{}', '{"hello":"world"}']) {
      const res = await post(url, 'application/json', junk);
      expect(res.status).toBe(200); // an empty export request is valid OTLP: accepted, nothing to keep
    }
    for (const junk of ['[1,2]', '"x"', 'null', '{"resourceSpans":"x"}', '{"resourceSpans":[1]}', '{"resourceSpans":[{"scopeSpans":{}}]}']) {
      const res = await post(url, 'application/json', junk);
      expect(res.status, junk).toBe(400);
      expect(await res.json()).toMatchObject({ code: 3, message: expect.any(String) });
    }
    expect(files(out)).toHaveLength(1);
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => {}, env: {}, cwd: home, isTTY: false };
    expect(await main(['traces', out, '--json'], io)).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ spans: 1 });
  });

  it('answers a gzip body that inflates past the limit with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(33 * 1024 * 1024, 0x20));
    const res = await post(url, 'application/json', bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it("answers a protobuf request's error as a protobuf google.rpc.Status", async () => {
    const res = await post(url, 'application/x-protobuf', new Uint8Array([0xff, 0xff, 0xff]));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const reader = protobuf.Reader.create(new Uint8Array(await res.arrayBuffer()));
    const status: { code?: number; message?: string } = {};
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) status.code = reader.int32();
      else if (tag >>> 3 === 2) status.message = reader.string();
      else reader.skipType(tag & 7);
    }
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toMatch(/rejected/);
  });

  it('keeps a per-session quota of files and bytes, then answers 507', async () => {
    // 1 file so far; 3 more fit the file quota
    for (let i = 0; i < 3; i++) expect((await post(url, 'application/json', exportRequest(`n${i}`))).status).toBe(200);
    const full = await post(url, 'application/json', exportRequest('one too many'));
    expect(full.status).toBe(507);
    expect(files(out)).toHaveLength(4);
    const bytes = files(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('counts what is already in the folder when it starts (a second receiver on the same folder)', async () => {
    const again = await startOtlpReceiver({ host: '127.0.0.1', outDir: out, quota: { maxBytes: 64 * 1024, maxFiles: 4 } });
    try {
      expect((await post(`http://127.0.0.1:${again.port}/v1/traces`, 'application/json', exportRequest())).status).toBe(507);
      const bytesQuota = await startOtlpReceiver({ host: '127.0.0.1', outDir: join(home, 'otlp-bytes'), quota: { maxBytes: 4096, maxFiles: 100 } });
      try {
        const res = await post(`http://127.0.0.1:${bytesQuota.port}/v1/traces`, 'application/json', exportRequest('big', 'x'.repeat(8192)));
        expect(res.status).toBe(507);
        expect(files(join(home, 'otlp-bytes'))).toHaveLength(0);
      } finally {
        await bytesQuota.close();
      }
    } finally {
      await again.close();
    }
  });
});

describe('fixtures stub', () => {
  let server: FixturesServer;
  let log: string;
  beforeAll(async () => {
    log = join(home, 'unmatched.jsonl');
    server = await startFixturesServer({ entries: [], host: '127.0.0.1', unmatchedLog: { file: log, maxBytes: 2048 }, maxBodyBytes: 1024 * 1024 });
  });
  afterAll(() => server.close());

  const send = (path: string, body?: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, method: body ? 'POST' : 'GET', headers: { host: 'payments.example.com' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('answers an oversized body with 413 without buffering it', async () => {
    expect(await send('/big', Buffer.alloc(2 * 1024 * 1024, 0x61))).toBe(413);
  });

  it('logs unmatched requests up to its quota, then answers 507 and logs no more', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push(await send(`/v1/unknown/${'x'.repeat(40)}/${i}`));
    expect(statuses[0]).toBe(502);
    expect(statuses.at(-1)).toBe(507);
    expect(readFileSync(log).length).toBeLessThanOrEqual(2048);
    expect(server.unmatched.length).toBeLessThan(40);
  });
});
