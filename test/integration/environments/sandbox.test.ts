/**
 * The sealed sandbox on the real engine, with the sample incident: a session container cannot
 * reach a container on another Docker network, any address routed out through the session's
 * gateway (this machine's addresses, its default gateway, the internet) or a port of this
 * machine other than the agent's; the OTLP receiver, the fixtures stub and the loopback ingress
 * still work, and a replay of the sample still matches. Containers run with the hardening
 * defaults. `--allow-egress` opens the seal (a tiny bundle, to keep this file quick), and the
 * signature policy refuses an unsigned bundle before anything is created.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, execInService, getSession, upFromPath, type UpReport } from '../../../electron/services/environments';
import { KEPT_CAPABILITIES } from '../../../electron/services/environments/container-spec';
import { homeTag } from '../../../electron/services/environments/labels';
import { openRecordDb } from '../../../electron/services/record';
import { generateReport } from '../../../electron/services/record/report';
import { replaySession } from '../../../electron/services/replay';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';
import { writeTinyBundle } from './tiny-bundle';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('sealed');
const open = uniqueSession('open');
const run = randomBytes(4).toString('hex');
const neighbourName = `repro-it-neighbour-${run}`;
let report: UpReport;
let listener: Server;
let listenerPort: number;
let hostConnections = 0;
let neighbourIp: string;

/** Each target `host:port` probed from inside a service container at once: 0 = a TCP connection was made. */
async function reach(service: string, targets: string[], who = session): Promise<Record<string, number>> {
  const script = targets.map((t, i) => `(timeout 5 nc -w 2 ${t.split(':')[0]} ${t.split(':')[1]} </dev/null >/dev/null 2>&1; echo "${i}=$?") &`).join('\n') + '\nwait';
  const r = await execInService(docker, home.stateDir, who, service, ['sh', '-c', script], { timeoutMs: 20_000 });
  const out: Record<string, number> = {};
  for (const m of r.output.matchAll(/^(\d+)=(\d+)$/gm)) out[targets[Number(m[1])]!] = Number(m[2]);
  expect(Object.keys(out).sort()).toEqual([...targets].sort());
  return out;
}

/** This machine's own IPv4 addresses (every interface but loopback) and its default gateway. */
function hostAddresses(): string[] {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  const route = readFileSync('/proc/net/route', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const def = route.find((f) => f[1] === '00000000' && f[2] && f[2] !== '00000000');
  const gw = def ? Buffer.from(def[2]!, 'hex').reverse().join('.') : undefined;
  return [...new Set([...own, ...(gw ? [gw] : [])])];
}

async function neighbour(imageId: string): Promise<void> {
  const labels = { 'repro.it': run };
  await docker.createNetwork({ Name: neighbourName, Labels: labels });
  const c = await docker.createContainer({ name: neighbourName, Image: imageId, Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '8080', '-h', '/www'], Labels: labels, HostConfig: { NetworkMode: neighbourName } });
  await c.start();
  neighbourIp = ((await c.inspect()).NetworkSettings.Networks[neighbourName] as Docker.NetworkInfo).IPAddress;
}

describe('a sealed session', () => {
  beforeAll(async () => {
    listener = createServer((s) => {
      hostConnections++;
      s.end('host service\n');
    });
    await new Promise<void>((r) => listener.listen(0, '0.0.0.0', () => r()));
    listenerPort = (listener.address() as { port: number }).port;
    report = await upFromPath({ bundlePath: sampleBundle, session, secrets: { env: { REPRO_SECRET_PAYMENT_KEY: 'sk_test_sandbox' } }, docker, stateDir: home.stateDir, env: { ...process.env, REPRO_HOME: home.home } });
    // a container of the same (busybox httpd) image on a network of its own
    await neighbour((await docker.getContainer(report.services.find((s) => s.name === 'pricing')!.containerId).inspect()).Image);
  });

  afterAll(async () => {
    listener.close();
    await downSession(docker, home.stateDir, session).catch(() => {});
    await downSession(docker, home.stateDir, open).catch(() => {});
    await removeSessions(docker, [session, open]);
    await docker.getContainer(neighbourName).remove({ force: true }).catch(() => {});
    await docker.getNetwork(neighbourName).remove().catch(() => {});
    home.cleanup();
  });

  it('says it is sealed, checked by the workbench, and records so', () => {
    expect(report.sandbox).toMatchObject({ egress: 'sealed', verified: true, notes: [] });
    expect(report.sandbox.agentPorts.length).toBeGreaterThanOrEqual(2); // OTLP receiver and fixtures stub
    const db = openRecordDb(home.stateDir);
    const up = db.events(db.getSession(session)!.id, { kinds: ['up'] })[0]!;
    expect(up.data).toMatchObject({ sandbox: { egress: 'sealed', verified: true } });
    const markdown = generateReport(db, session, { generator: 'test' });
    expect(markdown).toMatch(/Sandbox.*sealed \(checked\)/);
    expect(markdown).toMatch(/Trust.*Nobody you trust vouches for this bundle/);
  });

  it('cannot reach a container on another Docker network, anything out through the gateway, or a port of this machine', async () => {
    const info = await getSession(docker, home.stateDir, session);
    const targets = [
      `${neighbourIp}:8080`,
      `${info.network.gatewayIp}:${listenerPort}`,
      ...hostAddresses().map((a) => `${a}:${listenerPort}`),
      '1.1.1.1:80',
      `agent.repro.internal:${listenerPort}`,
    ];
    const got = await reach('checkout', targets);
    for (const t of targets) expect(got[t], t).not.toBe(0);
    expect(hostConnections).toBe(0);
    // the session's own services and the agent's ports (and only those) are there
    const fine = await reach('checkout', ['pricing:9000', ...report.sandbox.agentPorts.map((p) => `agent.repro.internal:${p}`)]);
    expect(Object.values(fine)).toEqual(Object.values(fine).map(() => 0));
  });

  it('the OTLP receiver takes spans from a container', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'sealed-span' }] }] }] });
    const r = await execInService(docker, home.stateDir, session, 'checkout', ['sh', '-c', 'wget -q -Y off -O - --header "Content-Type: application/json" --post-data "$1" "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces"', 'sh', body]);
    expect(r.exitCode).toBe(0);
    const dir = join((await getSession(docker, home.stateDir, session)).stateDir, 'otlp');
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n')).toContain('sealed-span');
  });

  it('the fixtures stub answers the recorded external call', async () => {
    const r = await execInService(docker, home.stateDir, session, 'checkout', ['sh', '-c', `wget -q -O - --header 'Content-Type: application/json' --post-data '{"amount":"25.80","currency":"EUR"}' http://payments.example.com/v1/carts/small/authorizations`]);
    expect(r.output).toContain('"id":"auth_5KQ2M9"');
  });

  it('the ingress answers on loopback, and a replay of the sample still matches', async () => {
    const url = report.services.find((s) => s.name === 'checkout')!.endpoints[0]!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/cgi-bin/health`)).status).toBe(200);
    const replay = await replaySession(docker, home.stateDir, session, { mode: 'max', concurrency: 4, recordStateDir: home.stateDir });
    expect(replay).toMatchObject({ total: 8, matched: 8, mismatched: 0, errors: 0 });
  });

  it('runs services without raw sockets or privilege gain, with a pids limit', async () => {
    const info = await docker.getContainer(report.services.find((s) => s.name === 'checkout')!.containerId).inspect();
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.CapAdd).toEqual(KEPT_CAPABILITIES);
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(info.HostConfig.PidsLimit).toBeGreaterThan(0);
    const status = await execInService(docker, home.stateDir, session, 'checkout', ['grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/self/status']);
    const capEff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(status.output)![1]}`);
    expect(capEff & (1n << 13n)).toBe(0n); // CAP_NET_RAW
    expect(status.output).toMatch(/NoNewPrivs:\s*1/);
  });

  it('--allow-egress opens it: this machine is reachable and the record says egress was allowed', async () => {
    const dir = join(home.home, 'tiny');
    mkdirSync(dir);
    writeTinyBundle(dir, 'INC-EGRESS', [{ name: 'web', spec: { ports: [{ container: 8080, ingress: true }], healthcheck: { http: { port: 8080, path: '/health' }, intervalMs: 200, timeoutMs: 20000 } } }]);
    const opened = await upFromPath({ bundlePath: dir, session: open, secrets: { env: {} }, docker, stateDir: home.stateDir, env: { ...process.env, REPRO_HOME: home.home }, allowEgress: true });
    expect(opened.sandbox).toMatchObject({ egress: 'open', verified: false });
    const gw = (await getSession(docker, home.stateDir, open)).network.gatewayIp;
    const got = await reach('web', [`${gw}:${listenerPort}`], open);
    expect(got[`${gw}:${listenerPort}`]).toBe(0);
    const db = openRecordDb(home.stateDir);
    expect(db.events(db.getSession(open)!.id, { kinds: ['up'] })[0]!.data).toMatchObject({ sandbox: { egress: 'open' } });
    await downSession(docker, home.stateDir, open);
  });

  it('the signature policy refuses an unsigned bundle before anything exists', async () => {
    const dir = join(home.home, 'unsigned');
    mkdirSync(dir);
    writeTinyBundle(dir, 'INC-UNSIGNED', [{ name: 'web' }]);
    const policed = uniqueSession('policy');
    await expect(upFromPath({ bundlePath: dir, session: policed, secrets: { env: {} }, docker, stateDir: home.stateDir, requireSignature: true })).rejects.toMatchObject({
      code: 'bundle_invalid',
      message: expect.stringMatching(/trusted signature was required/),
    });
    // and the setting does the same without the flag
    mkdirSync(join(home.home, 'config'), { recursive: true });
    writeFileSync(join(home.home, 'config', 'settings.json'), JSON.stringify({ bundles: { requireSignature: true } }));
    await expect(upFromPath({ bundlePath: dir, session: policed, secrets: { env: {} }, docker, stateDir: home.stateDir, env: { ...process.env, REPRO_HOME: home.home } })).rejects.toMatchObject({ code: 'bundle_invalid' });
    expect(await labelledCount(docker, policed)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('the home edge network goes with its last session', async () => {
    const edge = (await getSession(docker, home.stateDir, session)).sandbox!;
    expect(edge).toBeDefined();
    await downSession(docker, home.stateDir, session);
    const left = await docker.listNetworks({ filters: JSON.stringify({ label: [`repro.role=edge`, `repro.home=${homeTag(home.stateDir)}`] }) });
    expect(left).toEqual([]);
  });
});
