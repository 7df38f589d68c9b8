/**
 * Applying and reverting each container fault of a game day vs the equivalent docker CLI call,
 * in the same run, on one session of the sample incident. Goal: at most 1.2x for every one.
 *
 * Measured side: what a game day does per fault, in-process (a game day applies faults from a
 * running process): prepare (read what the revert needs) + the undo-ledger entry written and
 * fsynced + the engine call; the revert + the ledger update (+ for a container started again,
 * reading its new published port into the session record).
 * Baseline: the docker CLI command an engineer would type, as a cold process, the way it is used
 * (`docker kill -s KILL`, `docker start`, `docker stop -t 1`, `docker restart -t 1`,
 * `docker pause`/`unpause`, `docker update --cpus`, `docker update --memory --memory-swap`,
 * `docker network disconnect`/`connect --alias`).
 * Rounds alternate which side goes first; medians are compared.
 *
 * Also reported (no goal): a whole `repro gameday run` of a one-kill scenario as a cold process
 * vs `docker kill` + `docker start` cold, and the time from a halt to every one of five active
 * faults reverted (the "within 2 s").
 *
 * Starting a container (the revert of kill and stop) takes 0.5-1.5 s here and varies with the
 * machine's load far more than either side's own overhead: hence 7 alternating rounds.
 *
 *   npx tsx bench/gameday-faults.bench.ts [--rounds 7] [--json]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createDockerClient } from '../electron/services/docker-engine';
import { downSession, upFromPath } from '../electron/services/environments';
import { sessionsRoot } from '../electron/services/environments/session-info';
import { SessionStore } from '../electron/services/environments/state-store';
import { prepareFault, revertFault } from '../electron/services/gameday/faults';
import { UndoLedger } from '../electron/services/gameday/ledger';
import { runGameday } from '../electron/services/gameday';
import { parseScenarioText } from '../shared/gameday/validate';
import type { ScenarioStep } from '../shared/gameday/scenario';
import { emit, row, type BenchRow } from './lib/harness';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, json: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');
const run = promisify(execFile);
const docker = createDockerClient();
const bundle = join(import.meta.dirname, '..', 'examples', 'incident-checkout');
const home = mkdtempSync(join(tmpdir(), 'repro-bench-gameday-'));
const stateDir = join(home, 'state');
const env = { ...process.env, REPRO_HOME: home, REPRO_SECRET_PAYMENT_KEY: 'bench' };
const session = `bench-gd-${process.pid}`;
const target = `repro-${session}-pricing`;
const network = `repro-${session}`;

const cli = async (...args: string[]) => {
  const t0 = performance.now();
  await run('docker', args);
  return performance.now() - t0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Between apply and revert both sides wait this long (not timed), as a game day's fault lasts
 * its duration: reverting the instant a kill returns would time the engine's clean-up of the
 * exit (which the CLI's own process start happens to hide) rather than the revert.
 */
const HOLD_MS = 500;

interface Kind {
  name: string;
  step: ScenarioStep;
  cliApply: string[];
  /** absent: the fault needs no revert of its own (restart) */
  cliRevert?: string[];
}
const step = (fault: string, params?: object) => ({ id: fault, at: '0s', fault, target: 'pricing', duration: '1s', ...(params ? { params } : {}) }) as unknown as ScenarioStep;
const kinds: Kind[] = [
  { name: 'kill', step: step('kill'), cliApply: ['kill', '-s', 'KILL', target], cliRevert: ['start', target] },
  // busybox httpd as PID 1 ignores SIGTERM: both sides wait out the stop timeout (1 s here)
  { name: 'stop', step: step('stop', { timeoutS: 1 }), cliApply: ['stop', '-t', '1', target], cliRevert: ['start', target] },
  { name: 'restart', step: step('restart', { timeoutS: 1 }), cliApply: ['restart', '-t', '1', target] },
  { name: 'pause', step: step('pause'), cliApply: ['pause', target], cliRevert: ['unpause', target] },
  { name: 'cpu', step: step('cpu', { cpus: 0.2 }), cliApply: ['update', '--cpus', '0.2', target], cliRevert: ['update', '--cpus', '0.5', target] },
  { name: 'memory', step: step('memory', { memoryMb: 48 }), cliApply: ['update', '--memory', '48m', '--memory-swap', '48m', target], cliRevert: ['update', '--memory', '64m', '--memory-swap', '128m', target] },
  { name: 'partition', step: step('partition'), cliApply: ['network', 'disconnect', '-f', network, target], cliRevert: ['network', 'connect', '--alias', 'pricing', network, target] },
];

async function ours(k: Kind, i: number): Promise<{ apply: number; revert: number }> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const record = store.read(session)!;
  const ctx = { docker, session, record, store };
  const ledger = UndoLedger.create(store.dir(session), session, `bench-${i}`);
  try {
    const t0 = performance.now();
    const prepared = await prepareFault(k.step, `bench/${k.name}`, ctx);
    ledger.willApply({ faultId: `bench/${k.name}`, step: k.name, fault: k.step.fault, target: 'pricing', undo: prepared.undo });
    await prepared.apply();
    const applied = performance.now();
    await sleep(HOLD_MS);
    const t1 = performance.now();
    await revertFault(prepared.undo, ctx);
    ledger.reverted(`bench/${k.name}`);
    const t2 = performance.now();
    return { apply: applied - t0, revert: t2 - t1 };
  } finally {
    ledger.close();
  }
}

async function baseline(k: Kind): Promise<{ apply: number; revert: number }> {
  const apply = await cli(...k.cliApply);
  await sleep(HOLD_MS);
  const revert = k.cliRevert ? await cli(...k.cliRevert) : 0;
  return { apply, revert };
}

/** Let the target settle (a killed httpd restarting) so each measurement starts alike. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const info = await docker.getContainer(target).inspect();
    if (info.State.Running && !info.State.Paused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

try {
  log('bringing the sample up …');
  await upFromPath({ bundlePath: bundle, session, secrets: { env }, docker, stateDir, env });
  const rows: BenchRow[] = [];
  for (const k of kinds) {
    await ours(k, -1); // warm: first calls pay for connections and JIT
    await settle();
    await baseline(k);
    await settle();
    const o: { apply: number; revert: number }[] = [];
    const b: { apply: number; revert: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        o.push(await ours(k, r));
        await settle();
        b.push(await baseline(k));
      } else {
        b.push(await baseline(k));
        await settle();
        o.push(await ours(k, r));
      }
      await settle();
    }
    const oa = median(o.map((x) => x.apply));
    const ba = median(b.map((x) => x.apply));
    rows.push(
      row({
        id: `gameday-${k.name}-apply`,
        what: `game day: apply ${k.name} (in the game day's process: prepare, undo ledger fsynced, engine call) vs the docker CLI call`,
        unit: 'ms',
        better: 'lower',
        ours: { command: `repro gameday: ${k.name}`, value: oa },
        baseline: { command: `docker ${k.cliApply.slice(0, -1).join(' ')}`, value: ba },
        goal: 1.2,
        rounds,
      }),
    );
    log(`${k.name.padEnd(10)} apply  ${oa.toFixed(0).padStart(5)} ms vs docker ${ba.toFixed(0).padStart(5)} ms -> ${(oa / ba).toFixed(2)}x`);
    if (k.cliRevert) {
      const or = median(o.map((x) => x.revert));
      const br = median(b.map((x) => x.revert));
      rows.push(
        row({
          id: `gameday-${k.name}-revert`,
          what: `game day: revert ${k.name} (ledger updated) vs the docker CLI call`,
          unit: 'ms',
          better: 'lower',
          ours: { command: `repro gameday: revert ${k.name}`, value: or },
          baseline: { command: `docker ${k.cliRevert.slice(0, -1).join(' ')}`, value: br },
          goal: 1.2,
          rounds,
        }),
      );
      log(`${k.name.padEnd(10)} revert ${or.toFixed(0).padStart(5)} ms vs docker ${br.toFixed(0).padStart(5)} ms -> ${(or / br).toFixed(2)}x`);
    }
  }

  // A whole one-fault game day as a cold CLI process (informational).
  const file = join(home, 'one-kill.yaml');
  writeFileSync(file, 'schema: repro.gameday/v1\ntitle: one kill\nhypothesis:\n  probes:\n    - { name: up, http: { service: checkout, path: /cgi-bin/health } }\n  recoveryS: 10\nsteps:\n  - { id: k, at: 0s, fault: kill, target: pricing, duration: 0.5s }\n');
  const t0 = performance.now();
  await run(process.execPath, [join(import.meta.dirname, '..', 'bin', 'repro.js'), 'gameday', 'run', file, '--session', session, '--json'], { env });
  const coldMs = performance.now() - t0;
  const pairMs = (await cli('kill', '-s', 'KILL', target)) + (await cli('start', target));
  rows.push(
    row({
      id: 'gameday-run-one-kill',
      what: 'a whole game day of one 0.5 s kill, cold process, vs docker kill + start',
      unit: 'ms',
      better: 'lower',
      ours: { command: 'repro gameday run one-kill.yaml --session S', value: coldMs },
      baseline: { command: 'docker kill -s KILL + docker start', value: pairMs },
      goal: null,
      rounds: 1,
      note: 'includes the process start, the plan, the steady-state probes before and after, the 0.5 s fault and the recovery',
    }),
  );
  log(`cold repro gameday run (one 0.5 s kill, probes, recovery): ${coldMs.toFixed(0)} ms; docker kill + start: ${pairMs.toFixed(0)} ms`);

  // Halt: five faults active, then the signal; time until every one is reverted.
  await settle();
  const halt = new AbortController();
  let haltedAt = 0;
  let lastRevert = 0;
  const applied = new Set<string>();
  const text = `schema: repro.gameday/v1
title: halt timing
hypothesis:
  probes:
    - { name: up, http: { service: checkout, path: /cgi-bin/health } }
steps:
  - { id: a, at: 0s, fault: kill, target: pricing, duration: 60s }
  - { id: b, at: 0s, fault: latency, target: pricing, params: { latencyMs: 100 }, duration: 60s }
  - { id: c, at: 0s, fault: cpu, target: checkout, params: { cpus: 0.2 }, duration: 60s }
  - { id: d, at: 0s, fault: memory, target: checkout, params: { memoryMb: 48 }, duration: 60s }
  - { id: e, at: 0s, fault: partition, target: checkout, duration: 60s }
`;
  const parsed = parseScenarioText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const halted = await runGameday({
    docker,
    stateDir,
    session,
    scenario: parsed.scenario,
    source: { label: 'bench', text },
    signal: halt.signal,
    onEvent: (e) => {
      if (e.type !== 'fault') return;
      if (e.fault.revertedAt) lastRevert = performance.now();
      else if (e.fault.appliedAt) applied.add(e.fault.id);
      if (applied.size === 5 && !halt.signal.aborted) {
        haltedAt = performance.now();
        halt.abort('bench halt');
      }
    },
  });
  if (!haltedAt) throw new Error(`the halt run never had its five faults applied: ${halted.journal?.status} ${halted.journal?.error ?? ''}`);
  const haltMs = lastRevert - haltedAt;
  rows.push(
    row({
      id: 'gameday-halt',
      what: 'game day halted with five faults active: until every one is reverted',
      unit: 'ms',
      better: 'lower',
      ours: { command: 'halt (Ctrl-C) of repro gameday run', value: haltMs },
      baseline: { command: 'the 2 s the issue allows', value: 2000 },
      goal: null,
      limit: 2000,
      rounds: 1,
    }),
  );
  log(`halt -> five faults reverted in ${haltMs.toFixed(0)} ms (goal <= 2000 ms)`);

  emit(rows, values.json);
} finally {
  await downSession(docker, stateDir, session).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
