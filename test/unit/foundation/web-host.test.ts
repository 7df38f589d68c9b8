import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../../electron/hosts/web/server';
import { createWorkbench, type Workbench } from '../../../electron/services/workbench';

function http(host: WebHost, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(path, host.origin);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('repro serve web host', () => {
  let host: WebHost;
  let home: string;
  let rendererDir: string;
  let wb: Workbench;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'repro-webhost-'));
    rendererDir = join(home, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(home, 'secret.txt'), 'do not serve');
    wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } });
    host = await startWebHost({ wb, rendererDir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('binds loopback and prints a URL with the token in the fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
  });

  it('refuses /api/ without the token (401) and accepts it as bearer or header', async () => {
    const call = (headers: Record<string, string>) => http(host, '/api/call/app.info', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect((await call({})).status).toBe(401);
    expect((await call({ authorization: 'Bearer x' })).status).toBe(401);
    const ok = await call({ authorization: `Bearer ${host.token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.name).toBe('Repro Workbench');
    expect((await call({ 'x-repro-token': host.token })).status).toBe(200);
  });

  it('answers 421 to a Host header other than the served loopback host', async () => {
    const res = await http(host, '/api/call/app.info', { method: 'POST', headers: { host: 'attacker.example', authorization: `Bearer ${host.token}` }, body: '{}' });
    expect(res.status).toBe(421);
    const page = await http(host, '/', { headers: { host: 'attacker.example' } });
    expect(page.status).toBe(421);
  });

  it('keeps error codes across the wire', async () => {
    const res = await http(host, '/api/call/no.such', { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{}' });
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'not_found' });
    const bad = await http(host, '/api/call/app.info', { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{"extra":1}' });
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'invalid_argument' });
    const broken = await http(host, '/api/call/app.info', { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{' });
    expect(broken.status).toBe(400);
  });

  it('serves the renderer with a strict CSP and never a file outside it', async () => {
    const page = await http(host, '/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const escape = await http(host, '/..%2fsecret.txt');
    expect(escape.body).not.toContain('do not serve');
  });

  it('refuses the event socket without the token and streams events with it', async () => {
    const wsUrl = host.origin.replace('http', 'ws') + '/api/events';
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.on('open', () => resolve('open'));
        ws.on('error', reject);
      }),
    ).rejects.toThrow(/401/);
    const ws = new WebSocket(`${wsUrl}?token=${host.token}&client=test-client-1`);
    const messages: unknown[] = [];
    let arrived: () => void = () => {};
    ws.on('message', (m) => {
      messages.push(JSON.parse(String(m)));
      arrived();
    });
    const next = async (n: number) => {
      while (messages.length < n) await new Promise<void>((r) => (arrived = r));
      return messages[n - 1];
    };
    // The socket says who it is and where the backend's event sequence stands…
    expect(await next(1)).toEqual({ hello: { client: 'test-client-1', instance: wb.ops.instance, seq: wb.ops.lastSeq } });
    // …then carries broadcasts.
    wb.events.broadcast('sessionsChanged', { reason: 'up', session: 's1' });
    expect(await next(2)).toEqual({ event: 'sessionsChanged', payload: { reason: 'up', session: 's1' } });
    ws.close();
  });
});
