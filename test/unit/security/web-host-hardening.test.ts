/**
 * Hostile corpus, attacks 6 and 7 on `repro serve`: oversized bodies get a 413 with a JSON error
 * (not a reset connection), the token is taken from `?token=` only on the event socket, and a
 * foreign Origin is refused (403) on API calls and on the WebSocket upgrade.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_API_BODY_BYTES, startWebHost, type WebHost } from '../../../electron/hosts/web/server';
import { createWorkbench } from '../../../electron/services/workbench';

let host: WebHost;
let home: string;

function post(path: string, headers: Record<string, string>, body: Buffer | string) {
  const url = new URL(path, host.origin);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.on('error', (err) => resolve(`error ${err.message}`));
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hostile-webhost-'));
  const rendererDir = join(home, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  host = await startWebHost({ wb: createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } }), rendererDir, port: 0 });
});
afterAll(async () => {
  await host.close();
  rmSync(home, { recursive: true, force: true });
});

describe('repro serve against a hostile page or client', () => {
  it('does not take the token from the query string of an API call', async () => {
    const res = await post(`/api/call/app.info?token=${host.token}`, {}, '{}');
    expect(res.status).toBe(401);
  });

  it('refuses an API call from a foreign Origin even with the token', async () => {
    const auth = { authorization: `Bearer ${host.token}` };
    expect((await post('/api/call/app.info', { ...auth, origin: 'http://evil.example' }, '{}')).status).toBe(403);
    expect((await post('/api/call/app.info', { ...auth, origin: 'null' }, '{}')).status).toBe(403);
    expect((await post('/api/call/app.info', { ...auth, origin: host.origin }, '{}')).status).toBe(200);
    expect((await post('/api/call/app.info', auth, '{}')).status).toBe(200); // CLI-like clients send no Origin
  });

  it('refuses the event socket from a foreign Origin even with the token', async () => {
    const url = `${host.origin.replace('http', 'ws')}/api/events?token=${host.token}`;
    expect(await openSocket(url, { origin: 'http://evil.example' })).toBe('HTTP 403');
    expect(await openSocket(url, { origin: host.origin })).toBe('open');
  });

  it('answers an oversized body with 413 and a JSON error, not a reset', async () => {
    expect(MAX_API_BODY_BYTES).toBeLessThanOrEqual(16 * 1024 * 1024);
    const auth = { authorization: `Bearer ${host.token}` };
    const justOver = Buffer.from(JSON.stringify({ text: 'a'.repeat(MAX_API_BODY_BYTES) }));
    const over = await post('/api/call/app.info', auth, justOver);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining(`${MAX_API_BODY_BYTES}`) });
    const huge = await post('/api/call/app.info', auth, Buffer.alloc(70 * 1024 * 1024, 0x20));
    expect(huge.status).toBe(413);
  });
});
