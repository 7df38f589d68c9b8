/**
 * Run a game day against a session: resolve the plan (refused if anything does not resolve),
 * check the steady state, run the method (faults on their timeline, probes sampled, load sent,
 * stop conditions watched), revert everything, check the steady state again, look for residue,
 * and leave the journal with the session and in its record.
 *
 * Every fault is reverted: when its duration ends, on halt (the signal), on a stop condition, on
 * an error, and (through the undo ledger) by the next workbench start if this process dies.
 * A plain async function with `{ signal, onEvent }`, so the CLI, the hosts and the operations
 * model can all drive it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { ProgressEvent } from '../../../shared/api/events';
import type { FaultRecord, GamedayJournal, GamedayLiveEvent, GamedayPlan, LoadSecond, ProbeResult, ResidueItem, RunStatus, SteadyStateCheck } from '../../../shared/gameday/journal';
import { JOURNAL_SCHEMA_ID } from '../../../shared/gameday/journal';
import { FAULT_CATALOG, probeTimeoutMs, SCENARIO_DEFAULTS, type Probe, type Scenario } from '../../../shared/gameday/scenario';
import { maxDurationMs, stepWindows, type StepWindow } from '../../../shared/gameday/validate';
import { sleepUnlessAborted } from '../abort';
import { waitUntilReady } from '../environments/health';
import { healthTarget } from '../environments/sandbox';
import { createReplayAgent, type ReplayAgent } from '../replay/http-client';
import { AgentControlClient } from './agent-control';
import { containerOf, prepareFault, revertFault, type FaultContext, type Undo } from './faults';
import { replayLedger, UndoLedger } from './ledger';
import { resolveRun, type ResolvedRun } from './plan';
import { recordJournal, saveJournal } from './store';
import { LoadGenerator, sendProbe } from './traffic';

export interface RunGamedayOptions {
  docker: Docker;
  stateDir: string;
  session: string;
  scenario: Scenario;
  /** Where the scenario came from (shown in the journal) and its text (its digest is kept). */
  source: { label: string; text: string };
  dryRun?: boolean;
  /** Halt: every active fault is reverted, the run ends as "halted". */
  signal?: AbortSignal;
  onEvent?: (e: GamedayLiveEvent) => void;
  onProgress?: (p: ProgressEvent) => void;
  /** Who runs it (cli, web, desktop), for the ledger. */
  host?: string;
}

export interface GamedayRunResult {
  plan: GamedayPlan;
  journal?: GamedayJournal;
}

/** Faults whose revert brings a container back: the run waits for it to answer its healthcheck. */
const RECOVERS = new Set(['kill', 'stop', 'restart', 'partition']);
/** How long a halt may spend on its one last look at the steady state. */
const HALT_PROBE_MS = 2000;

function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(3).toString('hex')}`;
}

const sleep = sleepUnlessAborted;

interface ServiceSnapshot {
  running: boolean;
  paused: boolean;
  nanoCpus: number;
  memory: number;
  memorySwap: number;
  connected: boolean;
}

export async function runGameday(opts: RunGamedayOptions): Promise<GamedayRunResult> {
  const { docker, scenario } = opts;
  const resolved = await resolveRun({ docker, stateDir: opts.stateDir, session: opts.session, scenario });
  const { plan } = resolved;
  if (opts.dryRun) return { plan };
  if (plan.problems.length > 0) {
    throw new WorkbenchError('invalid_argument', `the scenario cannot run on session "${opts.session}":\n${plan.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`, { problems: plan.problems });
  }
  // A game day of this session whose process died: finish its reverts before starting anew.
  await replayLedger(docker, opts.stateDir, opts.session);
  return new GamedayRun(opts, resolved).run();
}

class GamedayRun {
  private readonly t0 = performance.now();
  private readonly startedAt = new Date();
  private readonly runId = newRunId(this.startedAt);
  private readonly sessionDir: string;
  private readonly journal: GamedayJournal;
  private readonly records = new Map<string, FaultRecord>();
  /** Faults in effect, by id: applied (or being applied) and not yet reverted and recovered. */
  private readonly active = new Map<string, { undo: Undo; service?: string; reverting?: Promise<void> }>();
  /** Ends the method early: halt, stop condition, error, time limit. */
  private readonly stopMethod = new AbortController();
  /** Aborts in-flight probe and load requests at once. */
  private readonly stopTraffic = new AbortController();
  private ledger?: UndoLedger;
  private agent?: AgentControlClient;
  private probeAgent?: ReplayAgent;
  private loadAgent?: ReplayAgent;
  private load?: LoadGenerator;
  private halted?: string;
  private stoppedBy?: string;
  private error?: string;
  private before = new Map<string, ServiceSnapshot>();

  constructor(
    private readonly opts: RunGamedayOptions,
    private readonly r: ResolvedRun,
  ) {
    this.sessionDir = r.store.dir(r.record.name);
    this.journal = {
      schema: JOURNAL_SCHEMA_ID,
      id: this.runId,
      session: r.record.name,
      bundleId: r.record.bundleId,
      title: opts.scenario.title,
      scenario: { source: opts.source.label, sha256: createHash('sha256').update(opts.source.text).digest('hex'), text: opts.source.text },
      status: 'running',
      startedAt: this.startedAt.toISOString(),
      steadyState: {},
      faults: stepWindows(opts.scenario).map((w) => ({
        id: w.step.id,
        fault: w.step.fault,
        target: w.step.target,
        ...(w.step.params ? { params: w.step.params as Record<string, unknown> } : {}),
        plannedAtMs: w.startMs,
        plannedDurationMs: w.endMs - w.startMs,
      })),
      probes: [],
      load: null,
      residue: [],
      notes: [],
    };
    for (const f of this.journal.faults) this.records.set(f.id, f);
  }

  private clock(): number {
    return Math.round(performance.now() - this.t0);
  }

  private emit(e: GamedayLiveEvent): void {
    // The journal on disk follows every fault change: a run killed mid-way still says what it did.
    if (e.type === 'fault') {
      saveJournal(this.sessionDir, this.journal);
      this.progress(`Game day: ${e.fault.id} ${e.fault.toT !== undefined ? 'reverted' : 'applied'}`);
    }
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a listener's failure must not stop reverts
    }
  }

  private phase(phase: Extract<GamedayLiveEvent, { type: 'phase' }>['phase']): void {
    this.emit({ type: 'phase', runId: this.runId, phase, at: new Date().toISOString() });
    this.progress(`Game day: ${phase.replace(/-/g, ' ')}`);
  }

  /** The progress bar counts faults done (applied and reverted) out of the method's steps. */
  private progress(label: string): void {
    const done = this.journal.faults.filter((f) => f.toT !== undefined).length;
    this.opts.onProgress?.({ task: `gameday:${this.runId}`, label, done, total: this.journal.faults.length, unit: 'steps' });
  }

  private get faultCtx(): FaultContext {
    return { docker: this.opts.docker, session: this.r.record.name, record: this.r.record, store: this.r.store, ...(this.agent ? { agent: this.agent } : {}) };
  }

  async run(): Promise<GamedayRunResult> {
    const { plan } = this.r;
    const onHalt = () => {
      const reason: unknown = this.opts.signal?.reason;
      // op.cancel (the Halt button) aborts with a `cancelled` error; the CLI with the signal's name
      const cancelled = reason instanceof WorkbenchError && reason.code === 'cancelled';
      this.halted = typeof reason === 'string' ? reason : reason instanceof Error && !cancelled && reason.name !== 'AbortError' ? reason.message : 'halt';
      this.stopMethod.abort();
      this.stopTraffic.abort();
    };
    this.ledger = UndoLedger.create(this.sessionDir, this.r.record.name, this.runId, this.opts.host);
    try {
      if (this.opts.signal?.aborted) onHalt();
      this.opts.signal?.addEventListener('abort', onHalt, { once: true });
      if (plan.steps.some((s) => s.via === 'proxy' || s.via === 'fixtures')) this.agent = await AgentControlClient.connect(this.sessionDir);
      saveJournal(this.sessionDir, this.journal);
      this.emit({ type: 'started', runId: this.runId, plan, startedAt: this.journal.startedAt });
      this.probeAgent = createReplayAgent(Math.max(2, this.opts.scenario.hypothesis.probes.length * 2));
      await this.snapshotServices();

      this.phase('steady-state-before');
      this.journal.steadyState.before = await this.steadyState('once');
      if (!this.journal.steadyState.before.met || this.halted) return await this.finish(this.halted ? 'halted' : 'not-started');

      await this.method();

      this.phase('reverting');
      await this.revertAll();
      this.phase('steady-state-after');
      this.journal.steadyState.after = await this.steadyState(this.halted ? 'halt' : 'recover');
      return await this.finish();
    } catch (err) {
      this.error ??= (err as Error).message;
      this.stopMethod.abort();
      this.stopTraffic.abort();
      await this.revertAll().catch(() => undefined);
      return await this.finish('failed');
    } finally {
      this.opts.signal?.removeEventListener('abort', onHalt);
      this.agent?.close();
      await this.probeAgent?.close();
      await this.loadAgent?.close();
      this.ledger.close();
    }
  }

  // ---- the method ------------------------------------------------------------------------------

  private async method(): Promise<void> {
    const { scenario } = this.opts;
    const start = this.clock();
    this.journal.methodStartT = start;
    this.journal.methodStartedAt = new Date().toISOString();
    this.phase('method');
    const at = (ms: number) => sleep(start + ms - this.clock(), this.stopMethod.signal);

    const limit = setTimeout(() => this.stop(`limits.maxDurationS (${maxDurationMs(scenario) / 1000}s) reached`), maxDurationMs(scenario));
    if (scenario.load && this.r.loadEntries.length) {
      const concurrency = scenario.load.concurrency ?? SCENARIO_DEFAULTS.loadConcurrency;
      this.loadAgent = createReplayAgent(concurrency);
      const seconds: LoadSecond[] = [];
      this.load = new LoadGenerator({
        agent: this.loadAgent,
        entries: this.r.loadEntries,
        ratePerS: scenario.load.ratePerS,
        concurrency,
        addresses: this.r.addresses,
        manifest: this.r.manifest,
        record: this.r.record,
        clock: () => this.clock(),
        onSecond: (second) => {
          seconds.push(second);
          this.emit({ type: 'load', runId: this.runId, second });
        },
      });
      this.load.start();
    }
    const loadWatch = this.watchLoad();
    const probing = scenario.hypothesis.probes.map((p) => this.sampleProbe(p));
    const steps = stepWindows(scenario).map((w) => this.runStep(w, at));
    try {
      await Promise.all(steps);
    } finally {
      clearTimeout(limit);
      clearInterval(loadWatch);
      this.journal.methodEndT = this.clock();
      this.stopMethod.abort();
      if (this.load) {
        const perSecond = await this.load.stop();
        this.journal.load = { traffic: scenario.load!.traffic, ratePerS: scenario.load!.ratePerS, ...this.load.totals, perSecond };
      }
      await Promise.all(probing);
    }
  }

  private stop(reason: string): void {
    if (this.stopMethod.signal.aborted) return;
    this.stoppedBy ??= reason;
    this.stopMethod.abort();
  }

  private watchLoad(): NodeJS.Timeout | undefined {
    const conditions = (this.opts.scenario.stopConditions ?? []).filter((c): c is Extract<typeof c, { loadErrorRate: number }> => 'loadErrorRate' in c);
    if (!this.load || conditions.length === 0) return undefined;
    return setInterval(() => {
      for (const c of conditions) {
        const windowS = c.windowS ?? SCENARIO_DEFAULTS.stopWindowS;
        const rate = this.load!.errorRate(windowS, this.clock());
        if (rate > c.loadErrorRate) this.stop(`load error rate ${(rate * 100).toFixed(1)}% over ${windowS}s exceeded ${(c.loadErrorRate * 100).toFixed(1)}%`);
      }
    }, 1000);
  }

  private async runStep(w: StepWindow, at: (ms: number) => Promise<void>): Promise<void> {
    await at(w.startMs);
    if (this.stopMethod.signal.aborted) return;
    const { step } = w;
    const rec = this.records.get(step.id)!;
    const faultId = `${this.runId}/${step.id}`;
    let prepared;
    try {
      prepared = await prepareFault(step, faultId, this.faultCtx);
    } catch (err) {
      return this.fail(rec, `could not prepare: ${(err as Error).message}`);
    }
    const service = FAULT_CATALOG[step.fault].group === 'external' ? undefined : step.target;
    this.ledger!.willApply({ faultId, step: step.id, fault: step.fault, target: step.target, undo: prepared.undo });
    this.active.set(faultId, { undo: prepared.undo, ...(service ? { service } : {}) });
    rec.fromT = this.clock();
    try {
      await prepared.apply();
      rec.appliedAt = new Date().toISOString();
      this.emit({ type: 'fault', runId: this.runId, fault: { ...rec } });
    } catch (err) {
      this.fail(rec, `apply failed: ${(err as Error).message}`);
    }
    // restart is one-shot: without a duration its window is the restart itself
    if (!rec.error) await at(w.endMs);
    await this.revertOne(faultId, rec);
  }

  private fail(rec: FaultRecord, message: string): void {
    rec.error = rec.error ? `${rec.error}; ${message}` : message;
    this.error ??= `${rec.id}: ${message}`;
    this.emit({ type: 'fault', runId: this.runId, fault: { ...rec } });
    this.stop(`fault ${rec.id} failed`);
  }

  private revertOne(faultId: string, rec: FaultRecord): Promise<void> {
    const a = this.active.get(faultId);
    if (!a) return Promise.resolve();
    a.reverting ??= (async () => {
      try {
        await revertFault(a.undo, this.faultCtx);
        this.ledger!.reverted(faultId);
        rec.revertedAt = new Date().toISOString();
      } catch (err) {
        rec.error = `${rec.error ? `${rec.error}; ` : ''}revert failed: ${(err as Error).message}`;
        this.error ??= `${rec.id}: revert failed`;
        this.active.delete(faultId);
        rec.toT = this.clock();
        this.emit({ type: 'fault', runId: this.runId, fault: { ...rec } });
        return;
      }
      if (a.service) this.r.addresses.forget(a.service);
      // A container brought back counts as faulted until it answers its healthcheck again (a
      // halt does not wait for that).
      if (a.service && RECOVERS.has(rec.fault) && !this.halted && this.before.get(a.service)?.running) {
        if (await this.recover(a.service)) rec.recoveredAt = new Date().toISOString();
      }
      this.active.delete(faultId);
      rec.toT = this.clock();
      this.emit({ type: 'fault', runId: this.runId, fault: { ...rec } });
    })();
    return a.reverting;
  }

  private async recover(service: string): Promise<boolean> {
    const spec = this.r.manifest.services.find((s) => s.name === service);
    if (!spec) return false;
    const id = containerOf(this.r.record, service);
    const recoveryMs = (this.opts.scenario.hypothesis.recoveryS ?? SCENARIO_DEFAULTS.recoveryS) * 1000;
    try {
      const info = await this.opts.docker.getContainer(id).inspect();
      const bounded = { ...spec, healthcheck: spec.healthcheck ? { ...spec.healthcheck, timeoutMs: Math.min(spec.healthcheck.timeoutMs ?? recoveryMs, recoveryMs) } : undefined };
      if (!bounded.healthcheck) delete bounded.healthcheck;
      await waitUntilReady(this.opts.docker, id, bounded, healthTarget(info, this.r.record, service));
      return true;
    } catch {
      return false;
    }
  }

  /** Revert every fault still in effect, all at once (a halt's 2 s budget). */
  private async revertAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.revertOne(id, this.records.get(id.slice(this.runId.length + 1))!)));
  }

  // ---- probes and the steady state ---------------------------------------------------------------

  private activeBetween(from: number, to: number): string[] {
    const out: string[] = [];
    for (const f of this.journal.faults) {
      if (f.fromT === undefined) continue;
      if (f.fromT <= to && (f.toT === undefined || f.toT >= from)) out.push(f.id);
    }
    return out;
  }

  private async probeOnce(p: Probe, timeoutMs?: number): Promise<ProbeResult> {
    const at = new Date().toISOString();
    const from = this.clock();
    const o = await sendProbe(this.probeAgent!, this.r.addresses, p, this.stopTraffic.signal, timeoutMs);
    const to = this.clock();
    return { probe: p.name, at, t: from, ok: o.ok, status: o.status, latencyMs: o.latencyMs, activeFaults: this.activeBetween(from, to), ...(o.failures.length ? { failures: o.failures } : {}) };
  }

  private async sampleProbe(p: Probe): Promise<void> {
    const every = p.everyMs ?? SCENARIO_DEFAULTS.probeEveryMs;
    const limit = (this.opts.scenario.stopConditions ?? []).find((c): c is Extract<typeof c, { probe: string }> => 'probe' in c && c.probe === p.name);
    let failedInARow = 0;
    while (!this.stopMethod.signal.aborted) {
      const started = this.clock();
      const sample = await this.probeOnce(p);
      if (this.stopTraffic.signal.aborted) break; // cut short by a halt: not a measurement
      this.journal.probes.push(sample);
      this.emit({ type: 'probe', runId: this.runId, sample });
      failedInARow = sample.ok ? 0 : failedInARow + 1;
      if (limit && failedInARow >= limit.failuresInARow) this.stop(`probe ${p.name} failed ${failedInARow} times in a row`);
      await sleep(started + every - this.clock(), this.stopMethod.signal);
    }
  }

  /**
   * once: every probe one time (before the method). recover: rounds until every probe passes in
   * the same round, or recoveryS runs out. halt: one round, each probe given at most 2 s.
   */
  private async steadyState(mode: 'once' | 'recover' | 'halt'): Promise<SteadyStateCheck> {
    const probes = this.opts.scenario.hypothesis.probes;
    const deadline = performance.now() + (this.opts.scenario.hypothesis.recoveryS ?? SCENARIO_DEFAULTS.recoveryS) * 1000;
    const ended = performance.now();
    for (;;) {
      const round = await Promise.all(probes.map((p) => this.probeOnceFresh(p, mode === 'halt' ? Math.min(HALT_PROBE_MS, probeTimeoutMs(p)) : undefined)));
      const met = round.every((r) => r.ok);
      for (const sample of round) this.emit({ type: 'probe', runId: this.runId, sample });
      if (met) return { met, probes: round, ...(mode === 'recover' ? { recoveredAfterMs: Math.round(performance.now() - ended) } : {}) };
      if (mode !== 'recover' || performance.now() + 500 > deadline) return { met, probes: round };
      await sleep(Math.min(500, Math.min(...probes.map((p) => p.everyMs ?? SCENARIO_DEFAULTS.probeEveryMs))));
    }
  }

  /** A probe outside the method: not aborted by a halt (the after-check runs after one). */
  private async probeOnceFresh(p: Probe, timeoutMs?: number): Promise<ProbeResult> {
    const at = new Date().toISOString();
    const from = this.clock();
    const o = await sendProbe(this.probeAgent!, this.r.addresses, p, undefined, timeoutMs);
    return { probe: p.name, at, t: from, ok: o.ok, status: o.status, latencyMs: o.latencyMs, activeFaults: this.activeBetween(from, this.clock()), ...(o.failures.length ? { failures: o.failures } : {}) };
  }

  // ---- before and after ----------------------------------------------------------------------------

  private async inspect(service: string): Promise<ServiceSnapshot | undefined> {
    const id = this.r.record.services.find((s) => s.name === service)?.containerId;
    if (!id) return undefined;
    const info = await this.opts.docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined);
    if (!info) return undefined;
    const hc = info.HostConfig;
    return {
      running: info.State.Running,
      paused: info.State.Paused,
      nanoCpus: hc.NanoCpus ?? 0,
      memory: hc.Memory ?? 0,
      memorySwap: hc.MemorySwap ?? 0,
      connected: Boolean(info.NetworkSettings?.Networks?.[this.r.record.network?.name ?? '']),
    };
  }

  private targets(): string[] {
    return [...new Set(this.opts.scenario.steps.filter((s) => FAULT_CATALOG[s.fault].group !== 'external').map((s) => s.target))];
  }

  private async snapshotServices(): Promise<void> {
    for (const s of this.targets()) {
      const snap = await this.inspect(s);
      if (snap) this.before.set(s, snap);
    }
  }

  /** Anything the run changed that is still changed. */
  private async residue(): Promise<ResidueItem[]> {
    const out: ResidueItem[] = [];
    for (const [service, was] of this.before) {
      const now = await this.inspect(service);
      if (!now) {
        out.push({ target: service, what: 'missing', detail: 'the container is gone' });
        continue;
      }
      if (was.running && !now.running) out.push({ target: service, what: 'stopped', detail: 'it ran before the game day and does not now' });
      if (now.paused && !was.paused) out.push({ target: service, what: 'paused', detail: 'still paused' });
      if (was.connected && !now.connected) out.push({ target: service, what: 'disconnected', detail: `not connected to ${this.r.record.network?.name}` });
      if (now.nanoCpus !== was.nanoCpus) out.push({ target: service, what: 'limited', detail: `CPU limit ${now.nanoCpus / 1e9}, was ${was.nanoCpus / 1e9}` });
      if (now.memory !== was.memory || now.memorySwap !== was.memorySwap) out.push({ target: service, what: 'limited', detail: `memory limit ${now.memory}/${now.memorySwap} bytes, was ${was.memory}/${was.memorySwap}` });
    }
    if (this.agent) {
      const status = await this.agent.status().catch(() => undefined);
      for (const f of status?.faults ?? []) out.push({ target: f.fault.kind === 'proxy' ? f.fault.target : f.fault.host, what: 'proxied', detail: `fault ${f.id} still active in the session agent` });
    }
    for (const e of this.ledger?.pending() ?? []) out.push({ target: e.target, what: 'ledger', detail: `${e.fault} (${e.faultId}) not reverted; repro gc retries` });
    return out;
  }

  private async finish(forced?: RunStatus): Promise<GamedayRunResult> {
    this.phase('residue');
    this.journal.residue = await this.residue().catch((err: Error) => [{ target: this.r.record.name, what: 'unknown', detail: `residue check failed: ${err.message}` }]);
    const status: RunStatus =
      forced ?? (this.halted ? 'halted' : this.error || this.journal.residue.some((x) => x.what === 'ledger') ? 'failed' : this.stoppedBy ? 'stopped' : this.journal.steadyState.after?.met ? 'completed' : 'deviated');
    const finishedAt = new Date();
    this.journal.status = status;
    this.journal.finishedAt = finishedAt.toISOString();
    this.journal.durationMs = finishedAt.getTime() - this.startedAt.getTime();
    if (this.stoppedBy) this.journal.stoppedBy = this.stoppedBy;
    if (this.halted) this.journal.haltedBy = this.halted;
    if (this.error) this.journal.error = this.error;
    if (this.r.plan.netem && !this.r.plan.netem.available) this.journal.notes.push(`packet-level faults (loss, duplicate, corrupt) not available: ${this.r.plan.netem.reason}`);
    this.journal.probes.sort((a, b) => a.t - b.t);
    saveJournal(this.sessionDir, this.journal);
    recordJournal(this.r.record, this.journal, this.opts.stateDir);
    this.emit({ type: 'finished', runId: this.runId, journal: this.journal });
    this.opts.onProgress?.({ task: `gameday:${this.runId}`, label: `Game day ${status}`, done: 1, total: 1, finished: true, ...(status === 'failed' ? { error: this.error ?? 'failed' } : {}) });
    return { plan: this.r.plan, journal: this.journal };
  }
}
