// The session agent's side of game days, with real sockets: the control connection (token first,
// faults owned by the connection that applied them and reverted when it closes), the fault board
// feeding the proxy and the fixtures stub, and the proxy plan `up` makes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentControlClient, CONTROL_FILE, startControlServer } from '../../../electron/services/gameday/agent-control';
import { FaultBoard } from '../../../electron/services/gameday/fault-board';
import { FaultProxy } from '../../../electron/services/gameday/fault-proxy';
import { planFaultProxy, proxyExtraHosts, proxyGateRoutes, proxyUpstreams, routePortKey } from '../../../electron/services/gameday/proxy-plan';
import { agentPorts, gateForwards, gateScript } from '../../../electron/services/environments/sandbox';
import type { AgentPlan } from '../../../electron/services/environments/host-address';
import { netemArgs } from '../../../electron/services/gameday/netem';
import { startFixturesServer } from '../../../electron/services/replay/fixtures-stub';
import { parseHar } from '../../../shared/replay/har';
import type { BundleManifest, ServiceSpec } from '../../../shared/bundle/manifest';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentSide() {
  const dir = mkdtempSync(join(tmpdir(), 'gd-agent-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const upstream = net.createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {}));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => upstream.close(() => r())));
  const proxy = new FaultProxy({ bindHost: '127.0.0.1', routes: [{ service: 'store', port: 0 }], resolve: async () => ({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port }) });
  await proxy.start();
  cleanups.push(() => proxy.close());
  const board = new FaultBoard();
  board.attachProxy(proxy);
  const logs: string[] = [];
  const control = await startControlServer({ sessionDir: dir, board, status: () => ({ routes: proxy.stats().routes, failedRoutes: [] }), log: (m) => logs.push(m) });
  cleanups.push(() => control.close());
  return { dir, board, proxy, logs, control };
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('agent fault control', () => {
  it('applies and reverts faults over the control connection; a closed connection takes its faults with it', async () => {
    const a = await agentSide();
    const info = JSON.parse(readFileSync(join(a.dir, CONTROL_FILE), 'utf8')) as { port: number; token: string };
    expect(info.token).toMatch(/^[0-9a-f]{48}$/);
    const client = await AgentControlClient.connect(a.dir);
    await client.apply('run/slow', { kind: 'proxy', target: 'store', fault: { kind: 'latency', latencyMs: 5 } });
    await client.apply('run/pay', { kind: 'external', host: 'Payments.Example.com', fault: { kind: 'http-error', status: 503 } });
    expect(a.proxy.faultOf('store')).toEqual({ kind: 'latency', latencyMs: 5 });
    expect(a.board.external('payments.example.com')).toEqual({ kind: 'http-error', status: 503 });
    // one fault per target at a time; an unknown service has no route
    await expect(client.apply('run/again', { kind: 'proxy', target: 'store', fault: { kind: 'reset' } })).rejects.toThrow(/service store already has fault run\/slow/);
    await expect(client.apply('run/x', { kind: 'proxy', target: 'nobody', fault: { kind: 'reset' } })).rejects.toThrow(/no fault proxy route/);
    expect((await client.status()).faults.map((f) => f.id)).toEqual(['run/slow', 'run/pay']);
    expect(await client.revert('run/slow')).toBe(true);
    expect(await client.revert('run/slow')).toBe(false); // replayed reverts are harmless
    expect(a.proxy.faultOf('store')).toBeUndefined();
    client.close();
    // the process that applied run/pay is gone: its fault goes with it
    await waitFor(() => a.board.external('payments.example.com') === undefined);
    expect(a.logs.join('\n')).toMatch(/control connection closed: reverted run\/pay/);
  });

  it('refuses a connection without the token', async () => {
    const a = await agentSide();
    const info = JSON.parse(readFileSync(join(a.dir, CONTROL_FILE), 'utf8')) as { port: number; token: string };
    writeFileSync(join(a.dir, CONTROL_FILE), JSON.stringify({ ...info, token: 'f'.repeat(48) }));
    await expect(AgentControlClient.connect(a.dir)).rejects.toThrow(/closed the control connection/);
    rmSync(join(a.dir, CONTROL_FILE));
    await expect(AgentControlClient.connect(a.dir)).rejects.toThrow(/offers no fault control/);
  });

  it('the fixtures stub answers a faulted host with the error, or late, and the others as recorded', async () => {
    const board = new FaultBoard();
    const owner = {};
    const har = JSON.stringify({
      log: {
        version: '1.2',
        entries: ['payments.example.com', 'tax.example.com'].map((host) => ({
          startedDateTime: '2026-11-20T14:00:00Z',
          time: 5,
          request: { method: 'GET', url: `http://${host}/ok`, headers: [] },
          response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { mimeType: 'application/json', text: `{"from":"${host}"}` } },
        })),
      },
    });
    const server = await startFixturesServer({ entries: parseHar(har, 'fixtures/x.har'), host: '127.0.0.1', faults: board });
    cleanups.push(() => server.close());
    // proxy form (absolute URL), as clients using http_proxy send it
    const get = (host: string) =>
      new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
        const t0 = performance.now();
        request({ host: '127.0.0.1', port: server.port, path: `http://${host}/ok` }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
        })
          .on('error', reject)
          .end();
      });
    expect((await get('payments.example.com')).status).toBe(200);
    board.apply('r/err', { kind: 'external', host: 'payments.example.com', fault: { kind: 'http-error', status: 503 } }, owner);
    const failed = await get('payments.example.com');
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.body)).toMatchObject({ error: 'injected by a game day', host: 'payments.example.com' });
    expect((await get('tax.example.com')).body).toBe('{"from":"tax.example.com"}');
    board.revert('r/err');
    board.apply('r/slow', { kind: 'external', host: 'payments.example.com', fault: { kind: 'delay', delayMs: 300 } }, owner);
    const slow = await get('payments.example.com');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    board.revertOwnedBy(owner);
    expect(board.list()).toEqual([]);
  });
});

describe('fault proxy plan', () => {
  const svc = (name: string, ports: Array<{ container: number; protocol?: 'tcp' | 'udp' }>): ServiceSpec => ({ name, image: { ref: name, id: `sha256:${'a'.repeat(64)}` }, ports });

  it('routes each service port once through the gate, reserves an agent port per route, says why a service is left out', async () => {
    const plan: AgentPlan = { bindHost: '127.0.0.1', advertisedHost: 'agent.repro.internal', ports: { otlp: 4318 } };
    const proxy = await planFaultProxy(
      [svc('api', [{ container: 8080 }]), svc('store', [{ container: 5432 }]), svc('twin', [{ container: 5432 }]), svc('dns', [{ container: 53, protocol: 'udp' }]), svc('agentish', [{ container: 4318 }]), svc('web', [{ container: 80 }]), svc('worker', [])],
      plan,
      {},
    );
    expect(proxy.routes.map(({ service, port }) => ({ service, port }))).toEqual([
      { service: 'api', port: 8080 },
      { service: 'store', port: 5432 },
      { service: 'web', port: 80 },
    ]);
    // each route's agent port is one of the agent's ports, so the gate forwards it like the plugins'
    for (const r of proxy.routes) {
      expect(plan.ports[routePortKey(r)]).toBe(r.agentPort);
      expect(agentPorts(plan)).toContain(r.agentPort);
      expect([8080, 5432, 80, 4318]).not.toContain(r.agentPort);
    }
    expect(new Set(proxy.routes.map((r) => r.agentPort)).size).toBe(3);
    expect(Object.fromEntries(proxy.skipped.map((s) => [s.service, s.reason]))).toEqual({
      twin: 'port 5432 is also served by store (one service per port per session)',
      dns: 'has a UDP port (its name cannot point at a TCP proxy)',
      agentish: "port 4318 is one of the session agent's own ports",
      worker: 'declares no ports',
    });
    // no /etc/hosts entries until the gate has an address on the session network
    expect(proxyExtraHosts(proxy, 'api')).toEqual([]);
    proxy.hostsAddress = '172.30.0.2';
    expect(proxyExtraHosts(proxy, 'api')).toEqual(['store:172.30.0.2', 'web:172.30.0.2']);
    expect(proxyExtraHosts(proxy, 'worker')).toEqual(['api:172.30.0.2', 'store:172.30.0.2', 'web:172.30.0.2']);
    // the gate: a listener on each service port to its agent port, and a forward of each service port back
    const routes = proxyGateRoutes(proxy);
    expect(routes).toEqual(proxy.routes.map((r) => ({ listen: r.port, agentPort: r.agentPort })));
    const forwards = gateForwards({ services: [] } as unknown as BundleManifest, [...agentPorts(plan), ...routes.map((r) => r.listen)], proxyUpstreams(proxy));
    expect(forwards.map((f) => `${f.service}:${f.port}`)).toEqual(['api:8080', 'store:5432', 'web:80']);
    const script = gateScript(agentPorts(plan), '172.31.0.1', forwards, routes);
    const store = proxy.routes.find((r) => r.service === 'store')!;
    expect(script).toContain(`nc -ll -p 5432 -e /bin/busybox nc 172.31.0.1 ${store.agentPort} &`);
    expect(script).toContain(`nc -ll -p ${forwards[1]!.listen} -e /bin/busybox nc store 5432 &`);
    const off = await planFaultProxy([svc('api', [{ container: 8080 }])], { bindHost: '127.0.0.1', advertisedHost: 'x', ports: {} }, { REPRO_FAULT_PROXY: 'off' });
    expect(off).toMatchObject({ enabled: false, routes: [] });
    expect(proxyExtraHosts(off, 'x')).toEqual([]);
    expect(proxyGateRoutes(off)).toEqual([]);
  });

  it('packet faults are tc netem commands on the container interface', () => {
    expect(netemArgs('loss', 12.5)).toEqual(['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'loss', '12.5%']);
    expect(netemArgs('corrupt', 300)).toEqual(['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'corrupt', '100%']);
  });
});
