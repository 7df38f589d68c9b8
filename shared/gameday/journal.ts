/**
 * What a game day leaves behind (the journal, Chaos Toolkit style: the document of a run), what
 * it shows before it starts (the resolved plan), and what it streams while it runs. Shared by
 * the runner, the CLI's --json, the record, the report and the Game day pane.
 */
import type { FaultKind, Scenario } from './scenario';

export const JOURNAL_SCHEMA_ID = 'repro.gameday-journal/v1';

export const RUN_STATUSES = ['completed', 'deviated', 'halted', 'stopped', 'failed', 'not-started'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface ProbeResult {
  probe: string;
  /** ISO time the probe was sent. */
  at: string;
  /** ms since the run started (the method starts at the journal's methodStartT). */
  t: number;
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  /** Faults active at any moment between sending the probe and its answer. */
  activeFaults: string[];
  /** Why it failed: the expectations not met, or the transport error. */
  failures?: string[];
}

export interface SteadyStateCheck {
  met: boolean;
  probes: ProbeResult[];
  /** After the method: how long the steady state took to hold again (ms after the method ended). */
  recoveredAfterMs?: number;
}

export interface FaultRecord {
  id: string;
  fault: FaultKind;
  target: string;
  params?: Record<string, unknown>;
  /** Planned offset into the method and planned duration (ms). */
  plannedAtMs: number;
  plannedDurationMs: number;
  appliedAt?: string;
  revertedAt?: string;
  /** Container faults: when the target answered its healthcheck again after the revert. */
  recoveredAt?: string;
  /** ms since the run started, for timelines: applied, and no longer in effect (reverted and recovered). */
  fromT?: number;
  toT?: number;
  error?: string;
}

export interface LoadSecond {
  /** Second of the run (load runs while the method does). */
  t: number;
  sent: number;
  ok: number;
  failed: number;
}

export interface LoadSummary {
  traffic: string;
  ratePerS: number;
  sent: number;
  ok: number;
  failed: number;
  perSecond: LoadSecond[];
}

export interface ResidueItem {
  target: string;
  /** paused, stopped, disconnected, limited, proxied, ledger */
  what: string;
  detail: string;
}

export interface GamedayJournal {
  schema: typeof JOURNAL_SCHEMA_ID;
  id: string;
  session: string;
  bundleId: string;
  title: string;
  scenario: { source: string; sha256: string; text?: string };
  status: RunStatus | 'running';
  startedAt: string;
  /** When the method started, and at which t (ms since the run started). */
  methodStartedAt?: string;
  methodStartT?: number;
  /** ms since the run started when the method ended. */
  methodEndT?: number;
  finishedAt?: string;
  durationMs?: number;
  steadyState: { before?: SteadyStateCheck; after?: SteadyStateCheck };
  faults: FaultRecord[];
  probes: ProbeResult[];
  load: LoadSummary | null;
  /** Anything left paused, disconnected, limited or proxied after the run: must be empty. */
  residue: ResidueItem[];
  /** Why the method ended early. */
  stoppedBy?: string;
  haltedBy?: string;
  error?: string;
  notes: string[];
}

/** One step of the resolved plan: what will be done to what, and how. */
export interface PlanStep {
  id: string;
  fault: FaultKind;
  target: string;
  atMs: number;
  durationMs: number;
  /** engine (container faults), proxy (network), fixtures (external), netem (packets) */
  via: 'engine' | 'proxy' | 'fixtures' | 'netem';
  /** Human description of the resolved target, e.g. "container repro-s-pricing (4f2a…)". */
  resolved: string;
  revert: string;
}

export interface GamedayPlan {
  session: string;
  bundleId: string;
  title: string;
  hypothesis: Scenario['hypothesis'];
  steps: PlanStep[];
  probes: Array<{ name: string; url: string; everyMs: number; timeoutMs: number }>;
  load: { traffic: string; requests: number; ratePerS: number; concurrency: number } | null;
  stopConditions: Scenario['stopConditions'];
  methodDurationMs: number;
  maxDurationS: number;
  recoveryS: number;
  proxy: { enabled: boolean; reason?: string; routes: Array<{ service: string; port: number }>; skipped: Array<{ service: string; reason: string }> };
  netem: { available: boolean; reason: string };
  /** Empty when the run can start; otherwise the run is refused before anything changes. */
  problems: Array<{ path: string; message: string }>;
}

/** What the pane receives while a run goes on (topic `gameday:<session>`). */
export type GamedayLiveEvent =
  | { type: 'started'; runId: string; plan: GamedayPlan; startedAt: string }
  | { type: 'phase'; runId: string; phase: 'steady-state-before' | 'method' | 'reverting' | 'steady-state-after' | 'residue'; at: string }
  | { type: 'probe'; runId: string; sample: ProbeResult }
  | { type: 'load'; runId: string; second: LoadSecond }
  | { type: 'fault'; runId: string; fault: FaultRecord }
  | { type: 'finished'; runId: string; journal: GamedayJournal };

/** The one-line verdict shown for a status. */
export function statusText(status: GamedayJournal['status']): string {
  switch (status) {
    case 'completed':
      return 'Completed: the steady state held again after the method';
    case 'deviated':
      return 'Deviated: the steady state did not hold again after the method';
    case 'halted':
      return 'Halted: stopped by hand, every fault reverted';
    case 'stopped':
      return 'Stopped: a stop condition ended the method early, every fault reverted';
    case 'failed':
      return 'Failed: the run could not go on (see the error), every fault reverted';
    case 'not-started':
      return 'Not started: the steady state did not hold before the method';
    case 'running':
      return 'Running';
  }
}
