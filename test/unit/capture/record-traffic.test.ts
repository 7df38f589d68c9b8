import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTraffic, type RecordTrafficResult } from '../../../electron/services/capture/record-traffic';
import { undoContentEncoding } from '../../../electron/services/replay/content-encoding';
import { REDACTION_MARKER } from '../../../shared/har/redact';
import { headerValue, parseHar } from '../../../shared/replay/har';

// A real target on loopback: JSON, a chunked stream, a gzip body, an echo of the request body,
// and a slow answer that is still in flight when the recording is stopped.
let target: http.Server;
let targetUrl: string;
const connectionsSeen = new Set<string>();
let releaseSlow: (() => void) | undefined;
let slowArrived: (() => void) | undefined;
const slowArrivedP = new Promise<void>((r) => (slowArrived = r));

beforeAll(async () => {
  target = http.createServer((req, res) => {
    connectionsSeen.add(`${req.socket.remotePort}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://target').pathname;
      if (path === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, auth: req.headers.authorization ? 'present' : 'absent' }));
      } else if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked
        res.write('one,');
        setTimeout(() => res.end('two'), 5);
      } else if (path === '/gzip') {
        const gz = gzipSync(Buffer.from(JSON.stringify({ big: 'x'.repeat(500) })));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length });
        res.end(gz);
      } else if (path === '/echo') {
        res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'set-cookie': 'sid=abc123; Path=/' });
        res.end(body);
      } else if (path === '/slow') {
        slowArrived?.();
        releaseSlow = () => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('late but recorded');
        };
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => target.close(() => r())));

function send(port: number, agent: http.Agent, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string[] }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; clientPort: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const clientPort = res.socket?.localPort;
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), clientPort }));
    });
    req.on('error', reject);
    if (Array.isArray(opts.body)) for (const part of opts.body) req.write(part); // no length: chunked
    else if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('repro record-traffic (a recording reverse proxy)', () => {
  it('forwards keep-alive, chunked and gzip exchanges unchanged and writes HAR that replay reads, redacted, without losing the one in flight at stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repro-rec-'));
    const out = join(dir, 'traffic.har');
    const controller = new AbortController();
    let listening!: (url: string) => void;
    const url = new Promise<string>((r) => (listening = r));
    const run: Promise<RecordTrafficResult> = recordTraffic({ target: targetUrl, listen: { host: '127.0.0.1', port: 0 }, out, signal: controller.signal, onListening: (u) => listening(u) });
    const port = Number(new URL(await url).port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const json = await send(port, agent, { path: '/json', headers: { authorization: 'Bearer s3cr3t-t0ken-value-xyz' } });
      expect(json.status).toBe(200);
      expect(JSON.parse(json.body.toString())).toEqual({ ok: true, auth: 'present' });
      const chunked = await send(port, agent, { path: '/chunked' });
      expect(chunked.headers['transfer-encoding']).toBe('chunked');
      expect(chunked.body.toString()).toBe('one,two');
      const gz = await send(port, agent, { path: '/gzip?api_key=k-123456' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(gz.body).toString()).big).toHaveLength(500);
      const echo = await send(port, agent, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: ['{"a":', '1}'] });
      expect(echo.body.toString()).toBe('{"a":1}');
      // One client connection was kept alive for all four exchanges.
      expect(new Set([json, chunked, gz, echo].map((r) => r.clientPort)).size).toBe(1);

      // Stop while an exchange is in flight: it finishes and is recorded.
      const slow = send(port, new http.Agent(), { path: '/slow' });
      await slowArrivedP;
      controller.abort();
      // The journal already holds every finished exchange.
      expect(readFileSync(`${out}.partial`, 'utf8').trim().split('\n')).toHaveLength(4);
      releaseSlow!();
      expect((await slow).body.toString()).toBe('late but recorded');
      const result = await run;
      expect(result).toMatchObject({ entries: 5, failed: 0, stoppedBy: 'signal' });
      expect(existsSync(`${out}.partial`)).toBe(false);

      const text = readFileSync(out, 'utf8');
      for (const secret of ['s3cr3t-t0ken-value-xyz', 'k-123456', 'abc123']) expect(text).not.toContain(secret);
      const entries = parseHar(text, 'traffic.har');
      expect(entries.map((e) => `${e.request.method} ${e.request.url} ${e.response.status}`)).toEqual([
        `GET ${targetUrl}/json 200`,
        `GET ${targetUrl}/chunked 200`,
        `GET ${targetUrl}/gzip?api_key=${encodeURIComponent(REDACTION_MARKER)} 200`,
        `POST ${targetUrl}/echo 200`,
        `GET ${targetUrl}/slow 200`,
      ]);
      expect(headerValue(entries[0]!.request.headers, 'authorization')).toBe(`Bearer ${REDACTION_MARKER}`);
      expect(new TextDecoder().decode(entries[1]!.response.body)).toBe('one,two');
      // gzip kept as recorded: the bytes are the compressed ones; replay undoes the encoding to compare.
      expect(entries[2]!.response.bodyForm).toBe('base64');
      expect(JSON.parse(new TextDecoder().decode(undoContentEncoding(entries[2]!.response.body, 'gzip'))).big).toHaveLength(500);
      expect(new TextDecoder().decode(entries[3]!.request.body!)).toBe('{"a":1}');
      expect(headerValue(entries[3]!.response.headers, 'set-cookie')).toBe(`sid=${REDACTION_MARKER}; Path=/`);
      expect(result.redacted.map((r) => `${r.location} ${r.name}`).sort()).toEqual(['request.header authorization', 'request.query api_key', 'response.header set-cookie']);
    } finally {
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops by itself after --duration, answers 502 for a target that is down, and refuses an existing -o', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repro-rec-'));
    try {
      const out = join(dir, 'x.har');
      let port = 0;
      const run = recordTraffic({ target: 'http://127.0.0.1:1', listen: { host: '127.0.0.1', port: 0 }, out, durationMs: 1500, onListening: (u) => (port = Number(new URL(u).port)) });
      await new Promise<void>((r) => {
        const t = setInterval(() => port && (clearInterval(t), r()), 5);
      });
      const res = await send(port, new http.Agent(), { path: '/' });
      expect(res.status).toBe(502);
      expect(res.body.toString()).toMatch(/did not answer \(ECONNREFUSED\)/);
      const result = await run;
      expect(result).toMatchObject({ entries: 0, failed: 1, stoppedBy: 'duration' });
      expect(JSON.parse(readFileSync(out, 'utf8')).log.entries).toEqual([]);
      await expect(recordTraffic({ target: targetUrl, listen: { host: '127.0.0.1', port: 0 }, out })).rejects.toThrow(/already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
