// The renderer's web adapter (renderer/src/api/web.ts) and runOperation against a real
// `repro serve` host over real sockets: a socket that drops and comes back catches up on what
// it missed, a backend that restarted fails what it had, and two clients at once each get only
// their own live data.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionEvent, OperationDetailEvent, OperationEvent } from '../../../shared/api/events';
import { runOperationInProcess } from '../../../electron/api/dispatch';
import { startWebHost, type WebHost } from '../../../electron/hosts/web/server';
import { createWorkbench, shutdownWorkbench, type Workbench } from '../../../electron/services/workbench';
import { createWebApi } from '../../../renderer/src/api/web';
import { createOperationRunner } from '../../../renderer/src/api/operations';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'incident-checkout');

/** Resolves `until(pred)` as soon as an event makes pred true: no polling, no sleeps. */
class Events<T> {
  readonly all: T[] = [];
  private wake: () => void = () => {};
  push = (e: T) => {
    this.all.push(e);
    this.wake();
  };
  async until(pred: (all: T[]) => boolean): Promise<void> {
    while (!pred(this.all)) await new Promise<void>((r) => (this.wake = r));
  }
}

/** The browser globals the adapter uses, pointing at the host (fetch resolves relative URLs as a page would). */
function browserGlobals(host: WebHost) {
  const g = globalThis as Record<string, unknown>;
  const saved = { location: g.location, sessionStorage: g.sessionStorage, history: g.history, WebSocket: g.WebSocket, fetch: g.fetch };
  const store = new Map<string, string>();
  const realFetch = globalThis.fetch;
  const origin = new URL(host.origin);
  g.location = { protocol: 'http:', host: origin.host, hash: `#token=${host.token}`, pathname: '/', search: '' };
  g.sessionStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  g.history = { replaceState: () => undefined };
  g.WebSocket = WebSocket;
  g.fetch = (url: string, init?: RequestInit) => realFetch(new URL(url, host.origin), init);
  return () => Object.assign(g, saved);
}

const adapters: { close(): void }[] = [];
function adapter() {
  const api = createWebApi();
  adapters.push(api);
  const op = new Events<OperationEvent>();
  const detail = new Events<OperationDetailEvent>();
  const connection = new Events<ConnectionEvent>();
  api.on('op', op.push);
  api.on('opDetail', detail.push);
  api.on('connection', connection.push);
  return { api, op, detail, connection, ...createOperationRunner(api) };
}

describe('web client over real sockets', () => {
  let home: string;
  let rendererDir: string;
  let wb: Workbench;
  let host: WebHost;
  let port = 0;
  let restore: () => void;
  let handle = '';
  const observer = new Events<OperationEvent>();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'repro-webclient-'));
    rendererDir = join(home, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } });
    wb.events.connect('observer', (event, payload) => event === 'op' && observer.push(payload as OperationEvent));
    host = await startWebHost({ wb, rendererDir, port: 0 });
    port = Number(new URL(host.origin).port);
    restore = browserGlobals(host);
    const opened = await runOperationInProcess(wb, 'bundle.open', { path: sample }).end;
    if (opened.state !== 'done') throw new Error(JSON.stringify(opened));
    handle = opened.result.handle;
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    for (const a of adapters) a.close();
    restore();
    await host.close();
    await shutdownWorkbench(wb);
    rmSync(home, { recursive: true, force: true });
  });

  /**
   * An operation the test can keep running: a runbook.run whose one http step waits on a server
   * of the test's, which answers when released. (The session is a record without containers:
   * the step only needs the endpoint.) A FIFO as a verify key no longer holds anything: keys
   * must be regular files.
   */
  const heldStep = async (name: string) => {
    let release = () => {};
    const answered = new Promise<void>((r) => (release = r));
    const server = createServer((_req, res) => void answered.then(() => res.end('released')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const now = new Date().toISOString();
    const record = { version: 1, name, bundleId: 'INC-2041', bundleRoot: sample, bundleSource: sample, manifestSha256: '0', createdAt: now, updatedAt: now, phase: 'running', volumes: [], services: [{ name: 'checkout', imageId: 'x', endpoints: [{ container: 8080, url }] }], secretNames: [], injectedEnv: {} };
    mkdirSync(join(home, 'state', 'sessions', name), { recursive: true });
    writeFileSync(join(home, 'state', 'sessions', name, 'session.json'), JSON.stringify(record));
    return { session: name, text: '# held\n\n```http {service=checkout}\nGET /held\n```\n', release: async () => release() };
  };
  const servers: Server[] = [];

  it('a socket that drops and comes back catches up: the operation that ended meanwhile settles with its result', async () => {
    const a = adapter();
    const key = await heldStep('held-1');
    const run = a.runOperation('runbook.run', { session: key.session, text: key.text });
    await a.connection.until((all) => all.some((c) => c.state === 'open'));
    await a.op.until((all) => all.some((e) => e.op.id === run.opId && e.type === 'started'));

    await host.close(); // the transport goes; the backend (wb) and its operation live on
    await a.connection.until((all) => all.some((c) => c.state === 'closed'));
    await key.release();
    await observer.until((all) => all.some((e) => e.op.id === run.opId && e.type === 'done'));
    expect(a.op.all.some((e) => e.op.id === run.opId && e.type === 'done')).toBe(false); // missed it

    host = await startWebHost({ wb, rendererDir, port, token: host.token });
    const report = await run.result;
    expect(report).toMatchObject({ ok: true, steps: [{ output: 'released' }] });
    await a.connection.until((all) => all.some((c) => c.reconnected === true));
    // the missed final event was delivered on reconnection, with its result, once
    const finals = a.op.all.filter((e) => e.op.id === run.opId && e.type === 'done');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ result: { ok: true } });
    expect(a.connection.all.map((c) => c.state)).toEqual(['open', 'closed', 'open']);
    expect(a.connection.all[2]).toEqual({ state: 'open', reconnected: true });
  });

  it('two clients at once: each gets only the live data of what it started; both see every operation', async () => {
    const a = adapter();
    const b = adapter();
    b.api.on('op', () => undefined);
    await b.connection.until((all) => all.some((c) => c.state === 'open'));
    const chunks: string[] = [];
    const run = a.runOperation('traces.load', { source: { kind: 'bundle', handle } }, { onDetail: (d) => chunks.push(d.text) });
    const result = await run.result;
    expect(result.files.map((f) => f.name)).toEqual(['incident.otlp.json']);
    expect(chunks.join('').length).toBe(result.bytes);
    expect(a.detail.all.filter((d) => d.op === run.opId).length).toBeGreaterThan(0);
    await b.op.until((all) => all.some((e) => e.op.id === run.opId && e.type === 'done'));
    expect(b.detail.all).toEqual([]);
  });

  it('a backend that restarted: the operations the page waited for fail as gone, not hang', async () => {
    const a = adapter();
    const key = await heldStep('held-2');
    const run = a.runOperation('runbook.run', { session: key.session, text: key.text });
    await a.op.until((all) => all.some((e) => e.op.id === run.opId && e.type === 'started'));
    await host.close();
    const fresh = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } });
    host = await startWebHost({ wb: fresh, rendererDir, port, token: host.token });
    await expect(run.result).rejects.toMatchObject({ code: 'unavailable' });
    await a.connection.until((all) => all.some((c) => c.backendRestarted === true));
    await key.release(); // let the old backend's run finish
    await observer.until((all) => all.some((e) => e.op.id === run.opId && e.type === 'done'));
    await host.close();
    await shutdownWorkbench(fresh);
    host = await startWebHost({ wb, rendererDir, port, token: host.token });
  });
});
