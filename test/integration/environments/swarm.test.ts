/**
 * The sample incident on the swarm runtime, on a single-node swarm this test makes of the CI
 * engine (`docker swarm init`, and `docker swarm leave --force` after: only here, and only when
 * this test did the init). Images go through a real registry (Debian's docker-registry, started
 * here on a loopback port): pushed by id, deployed pinned by digest, and pulled by the node.
 * The session then answers and replays as on the local runtime, drift is empty, the sample
 * runbook's sh steps, logs, the Environment pane's restart and stop and game-day container
 * faults act on the services' task containers (or refuse, saying why), and down leaves
 * nothing: no service, container, network, volume, or image in the registry.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, getSession, sessionDrift, upFromPath, type UpReport } from '../../../electron/services/environments';
import { readSessionManifestOf } from '../../../electron/services/environments';
import { LABEL_SESSION } from '../../../electron/services/environments/labels';
import { freePort } from '../../../electron/services/environments/host-address';
import { SessionStore } from '../../../electron/services/environments/state-store';
import { replaySession } from '../../../electron/services/replay';
import { execInService, restartService, stopService, streamLogs } from '../../../electron/services/environments';
import { SwarmRuntime } from '../../../electron/services/environments/runtime/swarm';
import { prepareFault, revertFault } from '../../../electron/services/gameday/faults';
import { resolveRun, runGameday } from '../../../electron/services/gameday';
import { parseScenarioText } from '../../../shared/gameday/validate';
import { openRecordDb } from '../../../electron/services/record';
import { runRunbook, sessionReplayRunner } from '../../../electron/services/runbooks';
import type { ScenarioStep } from '../../../shared/gameday/scenario';
import { parseRunbook } from '../../../shared/runbook/parse';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('swarm');
const registryDir = mkdtempSync(join(tmpdir(), 'repro-registry-'));
let registry: ChildProcess | undefined;
let registryAddr = '';
const registryLog: string[] = [];
let swarmInitByUs = false;
let report: UpReport;

async function swarmState(): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  return info.Swarm?.LocalNodeState ?? 'unknown';
}

/** Debian's docker-registry on a loopback port, deletes enabled (down removes what the session pushed). */
async function startRegistry(): Promise<void> {
  const port = await freePort('127.0.0.1');
  registryAddr = `127.0.0.1:${port}`;
  const config = join(registryDir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: info, accesslog: { disabled: false } }',
      `storage: { filesystem: { rootdirectory: ${join(registryDir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: ${registryAddr} }`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  registry = child;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      registryLog.push(chunk.toString());
      if (/listening on/.test(chunk.toString())) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`docker-registry exited with ${code}: ${registryLog.join('')}`)));
  });
}

describe('sample incident on a single-node swarm', () => {
  beforeAll(async () => {
    const state = await swarmState();
    if (state !== 'inactive') {
      throw new Error(
        `The Docker engine is already part of a swarm (state "${state}") that this test did not create. It will not use or leave someone else's swarm: run it on an engine outside any swarm.`,
      );
    }
    execFileSync('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], { stdio: 'pipe' });
    swarmInitByUs = true;
    await startRegistry();
    report = await upFromPath({
      bundlePath: sampleBundle,
      session,
      secrets: { env: { REPRO_SECRET_PAYMENT_KEY: 'swarm-secret' } },
      docker,
      stateDir: home.stateDir,
      env: { ...process.env, REPRO_HOME: home.home },
      runtime: 'swarm',
      replicas: { checkout: 2 },
      registry: registryAddr,
    });
  }, 240_000);

  afterAll(async () => {
    await downSession(docker, home.stateDir, session).catch(() => {});
    await removeSessions(docker, [session]);
    registry?.kill();
    // (Docker 20.10 empties the embedded DNS of containers running elsewhere on the engine when it
    // leaves, moby#45144: integration files run one at a time; docs/runtimes.md)
    if (swarmInitByUs) execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'pipe' });
    rmSync(registryDir, { recursive: true, force: true });
    home.cleanup();
  }, 120_000);

  it('runs every service as a swarm service, healthy, with no drift', async () => {
    expect(report.runtime.kind).toBe('swarm');
    expect(report.services.map((s) => [s.name, s.state, s.health]).sort()).toEqual([
      ['checkout', 'running', 'healthy'],
      ['pricing', 'running', 'healthy'],
    ]);
    expect(report.drift).toEqual([]);
    const services = await docker.listServices({ filters: JSON.stringify({ label: [`${LABEL_SESSION}=${session}`] }) });
    expect(services).toHaveLength(2);
    const checkout = services.find((s) => s.Spec?.Name?.endsWith('-checkout'))!;
    expect(checkout.Spec?.Mode?.Replicated?.Replicas).toBe(2);
    // deployed from the registry, pinned by digest
    const image = (checkout.Spec?.TaskTemplate as { ContainerSpec: { Image: string } }).ContainerSpec.Image;
    expect(image).toMatch(new RegExp(`^${registryAddr.replace(/\./g, '\\.')}/repro-${session}/checkout@sha256:[0-9a-f]{64}$`));
    // and the node pulled it from there by that digest (the engine keeps none of the pushed
    // names itself; with every layer already present, the pull asks for the manifest only)
    const digest = image.split('@')[1]!;
    expect(registryLog.join('')).toMatch(new RegExp(`"(GET|HEAD) /v2/repro-${session}/checkout/manifests/${digest} HTTP/1.1" 200`));
  });

  it('puts the services on an attachable, internal overlay network with their names as aliases', async () => {
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    expect(record.runtime).toMatchObject({ kind: 'swarm', registry: registryAddr, replicas: { checkout: 2 } });
    const net = (await docker.getNetwork(record.network!.id!).inspect()) as { Driver: string; Attachable: boolean; Internal: boolean };
    expect(net).toMatchObject({ Driver: 'overlay', Attachable: true, Internal: true });
    expect(report.sandbox).toMatchObject({ egress: 'sealed', verified: true });
    const pricing = (await docker.getService(record.services.find((s) => s.name === 'pricing')!.serviceId!).inspect()) as {
      Spec: { TaskTemplate: { Networks: Array<{ Aliases: string[] }>; Placement?: { Constraints?: string[] } } };
    };
    expect(pricing.Spec.TaskTemplate.Networks[0]!.Aliases).toEqual(['pricing']);
    // the stateful service is pinned to the node that holds its volume
    expect(pricing.Spec.TaskTemplate.Placement?.Constraints?.[0]).toMatch(/^node\.id==/);
  });

  it('answers on the ingress and replays as on the local runtime', async () => {
    const replay = await replaySession(docker, home.stateDir, session, { mode: 'max', concurrency: 4, recordStateDir: home.stateDir });
    expect(replay).toMatchObject({ total: 8, matched: 8, mismatched: 0, errors: 0 });
  });

  it('status reads health from the tasks, and drift stays empty later (without the secret values)', async () => {
    const info = await getSession(docker, home.stateDir, session, { probe: true });
    expect(info.runtime.kind).toBe('swarm');
    expect(info.services.map((s) => [s.name, s.state, s.health]).sort()).toEqual([
      ['checkout', 'running', 'healthy'],
      ['pricing', 'running', 'healthy'],
    ]);
    const { record, manifest } = readSessionManifestOf(home.stateDir, session);
    expect(await sessionDrift(docker, manifest!, record)).toEqual([]);
  });

  const store = () => new SessionStore(join(home.stateDir, 'sessions'));
  const running = (service: string) => {
    const record = store().read(session)!;
    return new SwarmRuntime(docker, record.runtime!).serviceContainers(record.services.find((s) => s.name === service)!, 'running');
  };

  it("runs the sample runbook's steps up to its replay: its sh steps in the services' task containers", async () => {
    const text = readFileSync(join(sampleBundle, 'runbook.md'), 'utf8');
    // (the replay step replays as recorded, ~14 s; replays are tested above)
    const to = parseRunbook(text).steps.findIndex((s) => s.kind === 'replay');
    const result = await runRunbook({ docker, stateDir: home.stateDir, session, text, to, record: openRecordDb(home.stateDir), replay: sessionReplayRunner(home.stateDir) });
    const sh = result.steps.filter((s) => s.kind === 'sh');
    expect(sh.length).toBeGreaterThanOrEqual(3);
    expect(result.steps.filter((s) => !s.ok).map((s) => `${s.index}: ${s.output ?? ''}`)).toEqual([]);
  }, 120_000);

  it("runs a command in a service's oldest task, and delivers logs from every task", async () => {
    const marker = `swarm-log-${Date.now()}`;
    const [oldest, other] = await running('checkout');
    // PID 1 is httpd; its stdout is the task container's log
    await execInService(docker, home.stateDir, session, 'checkout', ['sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
    const logOf = async (id: string) => String(await docker.getContainer(id).logs({ stdout: true, stderr: true }));
    expect(await logOf(oldest!)).toContain(marker);
    expect(await logOf(other!)).not.toContain(marker);
    const lines: Array<{ service: string; line: string }> = [];
    await streamLogs({ docker, stateDir: home.stateDir, session, service: 'checkout', onLine: (e) => lines.push(e) });
    expect(lines).toContainEqual(expect.objectContaining({ service: 'checkout', line: marker }));
  });

  it('game-day container faults act on the task container, and a killed task comes back as a new one', async () => {
    const ctx = () => ({ docker, session, record: store().read(session)!, store: store() });
    const fault = (f: string, target: string) => ({ fault: f, target, atS: 0 }) as unknown as ScenarioStep;
    // pause: the task's container, and back
    const [pricing] = await running('pricing');
    const paused = await prepareFault(fault('pause', 'pricing'), 'f-pause', ctx());
    await paused.apply();
    expect((await docker.getContainer(pricing!).inspect()).State.Paused).toBe(true);
    await revertFault(paused.undo, ctx());
    expect((await docker.getContainer(pricing!).inspect()).State.Paused).toBe(false);
    // kill: the task ends for good (restart policy none); the revert deploys a new, healthy task
    const c = ctx();
    const killed = await prepareFault(fault('kill', 'pricing'), 'f-kill', c);
    expect(killed.undo).toEqual({ kind: 'redeploy', service: 'pricing', containerId: pricing });
    await killed.apply();
    expect((await docker.getContainer(pricing!).inspect()).State.Running).toBe(false);
    await revertFault(killed.undo, c);
    const [again] = await running('pricing');
    expect(again).toBeDefined();
    expect(again).not.toBe(pricing);
    expect(store().read(session)!.services.find((s) => s.name === 'pricing')!.containerId).toBe(again);
    // a revert replayed later (the ledger after a crash) finds it running and leaves it alone
    await revertFault(killed.undo, ctx());
    expect(await running('pricing')).toEqual([again]);
    // refused, saying why: one container of two tasks, and a partition of a swarm task
    await expect(prepareFault(fault('kill', 'checkout'), 'f-k2', ctx())).rejects.toThrow(/service "checkout" of session ".*" runs 2 tasks \(runtime swarm, --replicas\)/);
    await expect(prepareFault(fault('partition', 'pricing'), 'f-p', ctx())).rejects.toThrow(/the partition fault is not available on the swarm runtime/);
  }, 120_000);

  it('a game day kills pricing on the swarm: the probes fail only meanwhile, a new task comes back, no residue; the plan refuses what swarm cannot do', async () => {
    const text = (steps: string) => `schema: repro.gameday/v1
title: swarm
hypothesis:
  probes:
    - name: small-cart
      http: { service: checkout, path: "/cgi-bin/checkout?cart=small" }
      expect: { status: 200, json: { "$.total": "25.80" } }
      everyMs: 200
  recoveryS: 20
steps:
${steps}`;
    const scenario = (t: string) => {
      const parsed = parseScenarioText(t);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      return parsed.scenario;
    };
    const refused = await resolveRun({
      docker,
      stateDir: home.stateDir,
      session,
      scenario: scenario(text('  - { id: cut, at: 0s, fault: partition, target: pricing, duration: 1s }\n  - { id: k2, at: 2s, fault: kill, target: checkout, duration: 1s }\n')),
    });
    expect(refused.plan.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^partition is not available on the swarm runtime/),
      expect.stringMatching(/^checkout runs 2 tasks on swarm \(--replicas\): a kill fault acts on one container/),
    ]);
    const [before] = await running('pricing');
    const steps = '  - { id: kill-pricing, at: 500ms, fault: kill, target: pricing, duration: 2s }\n';
    const { journal: j } = await runGameday({ docker, stateDir: home.stateDir, session, scenario: scenario(text(steps)), source: { label: 'test', text: text(steps) } });
    expect(j!.status, j!.error).toBe('completed');
    const fault = j!.faults[0]!;
    expect(fault.appliedAt && fault.revertedAt && fault.recoveredAt).toBeTruthy();
    expect(j!.probes.filter((p) => !p.ok && !p.activeFaults.includes('kill-pricing'))).toEqual([]);
    expect(j!.residue).toEqual([]);
    const [after] = await running('pricing');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  }, 120_000);

  it("the Environment pane's stop and restart: stop leaves no task running, restart deploys new healthy tasks", async () => {
    const before = await running('checkout');
    expect(before).toHaveLength(2);
    await stopService(docker, home.stateDir, session, 'checkout');
    expect(await running('checkout')).toEqual([]);
    const { endpoints } = await restartService(docker, home.stateDir, session, 'checkout');
    expect(endpoints[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const after = await running('checkout');
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect((await fetch(`${endpoints[0]!.url}/cgi-bin/health`)).status).toBe(200);
    const { record, manifest } = readSessionManifestOf(home.stateDir, session);
    expect(await sessionDrift(docker, manifest!, record)).toEqual([]);
  }, 120_000);

  it('down removes the services, containers, network, volumes and the pushed images', async () => {
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    const down = await downSession(docker, home.stateDir, session);
    expect(down.removed.services).toBe(2);
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(await docker.listServices({ filters: JSON.stringify({ label: [`${LABEL_SESSION}=${session}`] }) })).toEqual([]);
    for (const pinned of record.runtime!.pushed!) {
      const [name, digest] = pinned.slice(registryAddr.length + 1).split('@');
      const res = await fetch(`http://${registryAddr}/v2/${name}/manifests/${digest}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      expect(res.status).toBe(404);
    }
  });
});
