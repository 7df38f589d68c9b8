// Game days on the real engine with the sample incident (one session for the whole file): a kill
// under load, a latency fault and a reset fault through the fault proxy, a halt with many faults
// at once, a run whose process is killed with SIGKILL (the next workbench start reverts its
// fault), and refusals that change nothing. Scenarios are short; every assertion is about what
// the journal and the engine say.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOnce } from '../../../electron/api/handlers/environment';
import { main } from '../../../electron/cli/main';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, upFromPath } from '../../../electron/services/environments';
import { sessionsRoot } from '../../../electron/services/environments/session-info';
import { agentPorts } from '../../../electron/services/environments/sandbox';
import { SessionStore } from '../../../electron/services/environments/state-store';
import { AgentControlClient } from '../../../electron/services/gameday/agent-control';
import { LEDGER_FILE } from '../../../electron/services/gameday/ledger';
import { listJournals, readJournal } from '../../../electron/services/gameday/store';
import { runGameday } from '../../../electron/services/gameday';
import { openRecordDb } from '../../../electron/services/record';
import { createWorkbench } from '../../../electron/services/workbench';
import type { GamedayJournal, GamedayLiveEvent, ProbeResult } from '../../../shared/gameday/journal';
import { parseScenarioText } from '../../../shared/gameday/validate';
import { repoRoot, removeSessions, sampleBundle, tempHome, uniqueSession } from '../environments/helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('gameday');
const env = { ...process.env, REPRO_HOME: home.home, REPRO_SECRET_PAYMENT_KEY: 'sk_test_gameday' };
const store = () => new SessionStore(sessionsRoot(home.stateDir));
const containerName = (service: string) => `repro-${session}-${service}`;

function scenario(text: string) {
  const parsed = parseScenarioText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scenario;
}

const PROBE = `hypothesis:
  probes:
    - name: small-cart
      http: { service: checkout, path: "/cgi-bin/checkout?cart=small" }
      expect: { status: 200, json: { "$.total": "25.80" } }
      everyMs: 150
  recoveryS: 20`;

async function run(text: string, opts: { signal?: AbortSignal; onEvent?: (e: GamedayLiveEvent) => void } = {}): Promise<GamedayJournal> {
  const r = await runGameday({ docker, stateDir: home.stateDir, session, scenario: scenario(text), source: { label: 'test', text }, ...opts });
  return r.journal!;
}

interface Shape {
  running: boolean;
  paused: boolean;
  nanoCpus: number;
  memory: number;
  memorySwap: number;
  aliases: string[];
}
async function shape(service: string): Promise<Shape> {
  const i = await docker.getContainer(containerName(service)).inspect();
  const net = i.NetworkSettings.Networks[`repro-${session}`];
  return { running: i.State.Running, paused: i.State.Paused, nanoCpus: i.HostConfig.NanoCpus ?? 0, memory: i.HostConfig.Memory ?? 0, memorySwap: i.HostConfig.MemorySwap ?? 0, aliases: (net?.Aliases ?? []).filter((a: string) => !i.Id.startsWith(a)).sort() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const during = (samples: ProbeResult[], id: string) => samples.filter((s) => s.activeFaults.includes(id));

describe('game days against the sample incident', () => {
  beforeAll(async () => {
    await upFromPath({ bundlePath: sampleBundle, session, secrets: { env }, docker, stateDir: home.stateDir, env });
  });
  afterAll(async () => {
    await downSession(docker, home.stateDir, session).catch(() => {});
    await removeSessions(docker, [session]);
    home.cleanup();
  });

  it('a kill under load: probes fail only while the fault is in effect, the load sees errors, the run completes with no residue', async () => {
    const before = { pricing: await shape('pricing'), checkout: await shape('checkout') };
    const j = await run(`schema: repro.gameday/v1
title: kill pricing under load
${PROBE}
load: { traffic: traffic/checkout.har, ratePerS: 4 }
steps:
  - { id: kill-pricing, at: 1s, fault: kill, target: pricing, duration: 2s }
`);
    expect(j.status, j.error).toBe('completed');
    expect(j.steadyState.before!.met).toBe(true);
    expect(j.steadyState.after!.met).toBe(true);
    const fault = j.faults[0]!;
    expect(fault).toMatchObject({ id: 'kill-pricing', fault: 'kill', target: 'pricing' });
    expect(fault.appliedAt && fault.revertedAt && fault.recoveredAt).toBeTruthy();
    const failed = j.probes.filter((p) => !p.ok);
    expect(failed.length).toBeGreaterThan(0);
    // every failure happened while the kill was in effect (applied, until pricing answered again)
    expect(failed.filter((p) => !p.activeFaults.includes('kill-pricing'))).toEqual([]);
    expect(j.probes.filter((p) => p.activeFaults.length === 0 && p.ok).length).toBeGreaterThan(0);
    expect(j.load!.sent).toBeGreaterThan(0);
    expect(j.load!.failed).toBeGreaterThan(0);
    expect(j.load!.sent).toBe(j.load!.ok + j.load!.failed);
    expect(j.residue).toEqual([]);
    expect({ pricing: await shape('pricing'), checkout: await shape('checkout') }).toEqual(before);
    // kept with the session and in its record; the report has a section for it
    expect((await listJournals(store().dir(session))).map((x) => x.id)).toContain(j.id);
    const db = openRecordDb(home.stateDir);
    expect(db.events(db.requireSession(session).id, { kinds: ['gameday'] }).map((e) => (e.data as GamedayJournal).id)).toContain(j.id);
    let report = '';
    const io = { stdout: (t: string) => (report += t), stderr: () => {}, env, cwd: repoRoot, isTTY: false };
    expect(await main(['report', session, '--format', 'md'], io)).toBe(0);
    expect(report).toContain('## Game days');
    expect(report).toContain(`(#gameday-${j.id})`);
  });

  it('the fault proxy fits the sealed sandbox: routes are agent ports the gate forwards, names point at the gate, containers stay hardened', async () => {
    const record = store().read(session)!;
    expect(record.sandbox?.egress).toBe('sealed');
    const proxy = record.faultProxy!;
    expect(proxy.enabled).toBe(true);
    const pricingRoutes = proxy.routes.filter((r) => r.service === 'pricing');
    expect(pricingRoutes.length).toBeGreaterThan(0);
    for (const r of proxy.routes) expect(agentPorts(record.agentPlan)).toContain(r.agentPort);
    expect(proxy.hostsAddress).toBe(record.sandbox!.gate!.address);
    const checkout = await docker.getContainer(containerName('checkout')).inspect();
    expect(checkout.HostConfig.ExtraHosts).toContain(`pricing:${proxy.hostsAddress}`);
    expect(checkout.HostConfig.CapDrop).toEqual(['ALL']);
    expect(checkout.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    const pricing = await docker.getContainer(containerName('pricing')).inspect();
    expect((pricing.HostConfig.ExtraHosts ?? []).some((h: string) => h.startsWith('pricing:'))).toBe(false);
    // checkout's calls to pricing (the probe's cart) pass through the agent
    const agent = await AgentControlClient.connect(store().dir(session));
    try {
      const accepted = async () => (await agent.status()).routes.filter((r) => r.service === 'pricing').reduce((n, r) => n + r.accepted, 0);
      const was = await accepted();
      const origin = record.services.find((x) => x.name === 'checkout')!.endpoints[0]!.url;
      expect((await fetch(`${origin}/cgi-bin/checkout?cart=small`)).status).toBe(200);
      expect(await accepted()).toBeGreaterThan(was);
    } finally {
      agent.close();
    }
  });

  it('a latency fault raises probe latency by the injected amount while active, and not after', async () => {
    const L = 800;
    // The second step (latency on checkout) is on a path the probes do not take (nothing in the
    // session calls checkout): it keeps the method going so there are samples after the first.
    const j = await run(`schema: repro.gameday/v1
title: slow pricing
${PROBE}
steps:
  - { id: slow-pricing, at: 1500ms, fault: latency, target: pricing, params: { latencyMs: ${L} }, duration: 4500ms }
  - { id: idle, at: 6500ms, fault: latency, target: checkout, params: { latencyMs: 1 }, duration: 2s }
`);
    expect(j.status, j.error).toBe('completed');
    const slow = j.faults.find((f) => f.id === 'slow-pricing')!;
    const before = j.probes.filter((p) => p.activeFaults.length === 0 && p.t + (p.latencyMs ?? 0) < slow.fromT!);
    const inside = during(j.probes, 'slow-pricing').filter((p) => p.t >= slow.fromT! && p.t + (p.latencyMs ?? 0) <= slow.toT!);
    const after = j.probes.filter((p) => p.t > slow.toT!);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(inside.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect([...before, ...inside, ...after].every((p) => p.ok)).toBe(true);
    const lat = (xs: ProbeResult[]) => xs.map((p) => p.latencyMs!);
    // each answer that crossed the proxy while the fault was on waited the whole injected time
    expect(Math.min(...lat(inside))).toBeGreaterThanOrEqual(L);
    // and the service's own time comes on top (the probe's own jitter aside)
    expect(median(lat(inside)) - median(lat(before))).toBeGreaterThanOrEqual(L - 100);
    expect(median(lat(after))).toBeLessThan(median(lat(before)) + L / 2);
    expect(j.residue).toEqual([]);
  });

  it('a reset fault through the gate: calls to pricing fail while it is on (the gate\'s nc hop passes the reset on as a closed connection), and pass before and after', async () => {
    // The second step (on checkout, a path the probes do not take) keeps the method going so
    // there are samples after the first.
    const j = await run(`schema: repro.gameday/v1
title: pricing resets
${PROBE}
steps:
  - { id: reset-pricing, at: 1500ms, fault: reset, target: pricing, duration: 2500ms }
  - { id: idle, at: 4500ms, fault: latency, target: checkout, params: { latencyMs: 1 }, duration: 2s }
`);
    expect(j.status, j.error).toBe('completed');
    const reset = j.faults.find((f) => f.id === 'reset-pricing')!;
    expect(reset.appliedAt && reset.revertedAt && !reset.error).toBeTruthy();
    const before = j.probes.filter((p) => p.activeFaults.length === 0 && p.t + (p.latencyMs ?? 0) < reset.fromT!);
    const inside = during(j.probes, 'reset-pricing').filter((p) => p.t >= reset.fromT! && p.t + (p.latencyMs ?? 0) <= reset.toT!);
    const after = j.probes.filter((p) => p.t > reset.toT! + 300);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(before.every((p) => p.ok)).toBe(true);
    expect(inside.filter((p) => p.ok)).toEqual([]);
    expect(after.every((p) => p.ok)).toBe(true);
    expect(j.residue).toEqual([]);
  });

  it('a halt mid-run reverts every active fault, leaves no residue and the containers as they were', async () => {
    const before = { pricing: await shape('pricing'), checkout: await shape('checkout') };
    const halt = new AbortController();
    const applied = new Set<string>();
    const j = await run(
      `schema: repro.gameday/v1
title: many faults, halted
${PROBE}
steps:
  - { id: freeze-pricing, at: 300ms, fault: pause, target: pricing, duration: 60s }
  - { id: slow-pricing, at: 300ms, fault: latency, target: pricing, params: { latencyMs: 500 }, duration: 60s }
  - { id: cpu-checkout, at: 300ms, fault: cpu, target: checkout, params: { cpus: 0.2 }, duration: 60s }
  - { id: memory-checkout, at: 300ms, fault: memory, target: checkout, params: { memoryMb: 48 }, duration: 60s }
  - { id: cut-checkout, at: 300ms, fault: partition, target: checkout, duration: 60s }
`,
      {
        signal: halt.signal,
        onEvent: (e) => {
          if (e.type === 'fault' && e.fault.appliedAt && !e.fault.revertedAt) applied.add(e.fault.id);
          if (applied.size === 5 && !halt.signal.aborted) halt.abort('test halt');
        },
      },
    );
    expect(applied.size).toBe(5);
    expect(j.status).toBe('halted');
    expect(j.haltedBy).toBe('test halt');
    expect(j.faults.every((f) => f.appliedAt && f.revertedAt && !f.error)).toBe(true);
    expect(j.residue).toEqual([]);
    expect({ pricing: await shape('pricing'), checkout: await shape('checkout') }).toEqual(before);
    const agent = await AgentControlClient.connect(store().dir(session));
    try {
      expect((await agent.status()).faults).toEqual([]);
    } finally {
      agent.close();
    }
    expect(existsSync(join(store().dir(session), LEDGER_FILE))).toBe(false);
  });

  it('a run killed with SIGKILL mid-fault: the next workbench start reverts the fault from the ledger', async () => {
    const file = join(home.home, 'freeze.yaml');
    writeFileSync(
      file,
      `schema: repro.gameday/v1
title: freeze pricing for a minute
${PROBE}
steps:
  - { id: freeze-pricing, at: 0s, fault: pause, target: pricing, duration: 60s }
  - { id: slow-checkout, at: 0s, fault: latency, target: checkout, params: { latencyMs: 50 }, duration: 60s }
`,
    );
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'repro.js'), 'gameday', 'run', file, '--session', session], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // the moment that matters: both faults applied (the CLI says so as it happens)
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/freeze-pricing: pause pricing applied/.test(out) && /slow-checkout: latency checkout applied/.test(out)) resolve();
      };
      child.stderr.on('data', check);
      child.once('exit', (code) => reject(new Error(`repro exited (${code}) before applying: ${out}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await shape('pricing')).paused).toBe(true);
    expect(existsSync(join(store().dir(session), LEDGER_FILE))).toBe(true);

    // "Starting the workbench": what both hosts run at start.
    await collectOnce(createWorkbench({ host: 'web', env, docker }));
    expect((await shape('pricing')).paused).toBe(false);
    expect(existsSync(join(store().dir(session), LEDGER_FILE))).toBe(false);
    const agent = await AgentControlClient.connect(store().dir(session));
    try {
      expect((await agent.status()).faults).toEqual([]); // the agent dropped the proxy fault when the run's connection died
    } finally {
      agent.close();
    }
    const killed = (await listJournals(store().dir(session))).find((x) => x.title === 'freeze pricing for a minute')!;
    const j = readJournal(store().dir(session), killed.id);
    expect(j.status).toBe('failed');
    expect(j.error).toMatch(/ended before it finished/);
    expect(j.faults.find((f) => f.id === 'freeze-pricing')!.revertedAt).toBeTruthy();
  });

  it('an invalid scenario and a target outside the session are refused before anything changes', async () => {
    const decoy = await startDecoy(docker);
    try {
      const before = { pricing: await shape('pricing'), checkout: await shape('checkout') };
      const journals = (await listJournals(store().dir(session))).length;
      let out = '';
      const io = { stdout: (t: string) => (out += t), stderr: () => {}, env, cwd: repoRoot, isTTY: false };

      const bad = join(home.home, 'bad.yaml');
      writeFileSync(bad, `schema: repro.gameday/v1\ntitle: bad\n${PROBE}\nsteps:\n  - { id: x, at: 1, fault: explode, target: pricing, duration: 1s }\n`);
      expect(await main(['gameday', 'run', bad, '--session', session, '--json'], io)).toBe(1);
      // the one --json error shape of every command, with every problem and its place
      const doc = JSON.parse(out) as { error: { code: string; details: { problems: Array<{ path: string; message: string; line?: number }> } } };
      expect(doc.error.code).toBe('invalid_argument');
      const problems = doc.error.details.problems;
      expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['steps[0].fault']));
      expect(problems.map((p) => p.line)).toEqual(problems.map(() => 11)); // both on the step's line

      out = '';
      const outside = join(home.home, 'outside.yaml');
      writeFileSync(outside, `schema: repro.gameday/v1\ntitle: outside\n${PROBE}\nsteps:\n  - { id: kill-decoy, at: 0s, fault: kill, target: ${decoy.name}, duration: 1s }\n`);
      expect(await main(['gameday', 'run', outside, '--session', session, '--json'], io)).toBe(1);
      const refused = (JSON.parse(out) as { error: { code: string; details: { problems: Array<{ path: string; message: string }> } } }).error;
      expect(refused.code).toBe('invalid_argument');
      expect(refused.details.problems[0]).toMatchObject({ path: 'steps[0].target' });
      expect(refused.details.problems[0]!.message).toMatch(/not a service of session/);

      // Nothing changed: the decoy still runs, the session is as it was, no journal, no ledger.
      expect((await decoy.container.inspect()).State.Running).toBe(true);
      expect({ pricing: await shape('pricing'), checkout: await shape('checkout') }).toEqual(before);
      expect((await listJournals(store().dir(session))).length).toBe(journals);
      expect(existsSync(join(store().dir(session), LEDGER_FILE))).toBe(false);

      // --dry-run prints the plan and changes nothing either
      out = '';
      expect(await main(['gameday', 'run', sampleBundle, '--session', session, '--dry-run', '--json'], io)).toBe(0);
      const plan = JSON.parse(out) as { steps: Array<{ id: string; resolved: string }>; netem: { available: boolean; reason: string } };
      expect(plan.steps.find((s) => s.id === 'kill-pricing')!.resolved).toContain(containerName('pricing'));
      expect(plan.netem.reason).toBeTruthy();
      expect((await listJournals(store().dir(session))).length).toBe(journals);
    } finally {
      await decoy.container.remove({ force: true });
    }
  });
});

/** A container that is not part of the session (as another session's or the user's own would be). */
async function startDecoy(d: Docker): Promise<{ name: string; container: Docker.Container }> {
  const name = `gd-decoy-${Math.random().toString(36).slice(2, 8)}`;
  const image = (await d.getContainer(containerName('pricing')).inspect()).Image;
  // no network: it needs none, and the engine's default bridge is no business of this test
  const container = await d.createContainer({ name, Image: image, Entrypoint: ['/bin/sleep'], Cmd: ['300'], Labels: { 'repro.test': 'gameday-decoy' }, HostConfig: { NetworkMode: 'none' } });
  await container.start();
  return { name, container };
}
