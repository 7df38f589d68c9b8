/**
 * Replay pane state. Runs live here, keyed by session, not in the pane: leave the pane mid-replay
 * and come back to the same progress and rows, with Start still disabled. Live rows are kept in
 * request order by inserting each batch in place (never copying or re-sorting the whole list).
 * Also the session's past replays (summaries), the one being looked at (rows and kept bodies),
 * the external requests nothing matched, and noise paths.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { NoiseSuggestions, ReplayBodies, ReplayReport, ReplaySummary, UnmatchedRequest } from '../../../shared/api/methods/replay';
import type { OperationEnd } from '../../../shared/api/operations';
import type { ReplayOutcome, ReplayResult } from '../../../shared/replay/report';
import { api, runOperation } from '../api';
import { reportBackgroundError } from './app';
import { runningOperation, useOperations } from './operations';
import { clear, load, put, remote, toUiError, type Remote, type UiError } from './remote';

export type ReplayFilter = 'all' | ReplayOutcome;
export const REPLAY_MODES = ['as-recorded', 'x2', 'x5', 'x10', 'max'] as const;

/** Result rows in request order, by outcome too, grown in place as batches arrive. */
export class ResultRows {
  readonly all: ReplayResult[] = [];
  readonly matched: ReplayResult[] = [];
  readonly mismatched: ReplayResult[] = [];
  readonly error: ReplayResult[] = [];

  constructor(rows: readonly ReplayResult[] = []) {
    this.add(rows);
  }

  add(batch: readonly ReplayResult[]): void {
    for (const r of batch) {
      insertInOrder(this.all, r);
      insertInOrder(this[r.outcome], r);
    }
  }

  list(filter: ReplayFilter): ReplayResult[] {
    return filter === 'all' ? this.all : this[filter];
  }

  find(index: number | undefined): ReplayResult | undefined {
    if (index === undefined) return undefined;
    // rows are in index order: binary search
    let lo = 0;
    let hi = this.all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.all[mid]!;
      if (r.index === index) return r;
      if (r.index < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** Rows complete nearly in order (a replay has at most `concurrency` in flight): walk back from the end. */
function insertInOrder(list: ReplayResult[], r: ReplayResult): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.index > r.index) i--;
  if (i === list.length) list.push(r);
  else list.splice(i, 0, r);
}

export interface ReplayCounts {
  total: number;
  done: number;
  matched: number;
  mismatched: number;
  errors: number;
}

/** A replay this window started (one another client runs shows from store/operations.ts). */
export interface ReplayRun {
  opId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  counts: ReplayCounts;
  rows: ResultRows;
  /** Bumped on every batch: the rows changed in place. */
  version: number;
  stopping?: boolean;
  error?: UiError;
}

interface ReplayState {
  mode: string;
  concurrency: number;
  filter: ReplayFilter;
  /** Index of the result whose details are shown. */
  selected?: number;
  /** Past replays of a session (summaries), newest first; keyed by session. */
  reports: Remote<ReplaySummary[]>;
  /** The replay being looked at: its rows and kept bodies; keyed by `${session}/${id}`. */
  report: Remote<{ report: ReplayReport; bodies: ReplayBodies[]; rows: ResultRows }>;
  reportId?: string;
  /** Keyed by session. */
  unmatched: Remote<UnmatchedRequest[]>;
  accepted: Remote<string[]>;
  suggestions: Record<string, NoiseSuggestions>;
  runs: Record<string, ReplayRun>;
  setMode(mode: string): void;
  setConcurrency(n: number): void;
  setFilter(filter: ReplayFilter): void;
  select(index: number | undefined): void;
  /** Loads the session's past replays (choosing the newest unless one is chosen), unmatched requests and noise paths. */
  loadSession(session: string): Promise<void>;
  /** Shows a report just produced (the run's result) and loads its kept bodies. */
  showReport(session: string, report: ReplayReport): void;
  chooseReport(session: string, id: string | undefined): Promise<void>;
  /** `hostMap`: `HOST[:PORT]=SERVICE` entries (repro replay --host-map). */
  start(session: string, hostMap?: string[]): Promise<void>;
  stop(session: string): Promise<void>;
  suggestNoise(session: string): Promise<void>;
  acceptNoise(session: string, paths: string[]): Promise<void>;
  removeNoise(session: string, path: string): Promise<void>;
}

const idle = (): ReplayCounts => ({ total: 0, done: 0, matched: 0, mismatched: 0, errors: 0 });

function updateRun(session: string, change: (run: ReplayRun) => ReplayRun): void {
  useReplay.setState((s) => {
    const run = s.runs[session];
    return run ? { runs: { ...s.runs, [session]: change(run) } } : {};
  });
}

/** A batch of live rows and counts of the session's running replay. */
export function applyReplayBatch(session: string, counts: ReplayCounts, rows: readonly ReplayResult[] | undefined): void {
  updateRun(session, (run) => {
    if (run.state !== 'running') return run;
    if (rows?.length) run.rows.add(rows);
    return { ...run, counts, version: run.version + 1 };
  });
}

/** The replay ended (exactly once): keep its rows and counts; the pane shows them until the saved report loads. */
export function finishReplay(session: string, opId: string, end: OperationEnd<'replay.run'>): void {
  updateRun(session, (run) => {
    if (run.opId !== opId) return run;
    if (end.state === 'failed') return { ...run, state: 'failed', stopping: false, error: toUiError(end.error) };
    const r = end.result;
    if (!r) return { ...run, state: 'cancelled', stopping: false };
    return { ...run, state: r.cancelled || end.state === 'cancelled' ? 'cancelled' : 'done', stopping: false, counts: { total: r.total, done: r.sent, matched: r.matched, mismatched: r.mismatched, errors: r.errors } };
  });
}

const withRows = (r: { report: ReplayReport; bodies: ReplayBodies[] }) => ({ ...r, rows: new ResultRows(r.report.results) });

export const useReplay: UseBoundStore<StoreApi<ReplayState>> = create<ReplayState>((set, get) => ({
  mode: 'as-recorded',
  concurrency: 8,
  filter: 'all',
  reports: remote(),
  report: remote(),
  unmatched: remote(),
  accepted: remote(),
  suggestions: {},
  runs: {},
  setMode: (mode) => set({ mode }),
  setConcurrency: (concurrency) => set({ concurrency: Math.max(1, Math.min(1024, concurrency || 1)) }),
  setFilter: (filter) => set({ filter }),
  select: (selected) => set({ selected }),
  loadSession: async (session) => {
    const [list] = await Promise.all([
      load(useReplay, 'reports', session, () => api.call('replay.list', { session })),
      load(useReplay, 'unmatched', session, () => api.call('replay.unmatched', { session })),
      load(useReplay, 'accepted', session, () => api.call('replay.noise', { session }).then((r) => r.accepted)),
    ]);
    if (!list || useReplay.getState().reports.key !== session) return;
    const current = get().reportId;
    await get().chooseReport(session, current && list.some((r) => r.id === current) ? current : list[0]?.id);
  },
  chooseReport: async (session, id) => {
    set({ reportId: id, selected: undefined });
    if (!id) {
      clear(useReplay, 'report');
      return;
    }
    if (get().report.key === `${session}/${id}` && get().report.data) return;
    await load(useReplay, 'report', `${session}/${id}`, () => api.call('replay.get', { session, id }).then(withRows));
  },
  showReport: (session, report) => {
    const key = `${session}/${report.id}`;
    set({ reportId: report.id });
    // its rows at once; its kept bodies (a separate file) follow
    put(useReplay, 'report', key, withRows({ report, bodies: [] }));
    void load(useReplay, 'report', key, () => api.call('replay.get', { session, id: report.id }).then(withRows));
    void load(useReplay, 'reports', session, () => api.call('replay.list', { session }));
    void load(useReplay, 'unmatched', session, () => api.call('replay.unmatched', { session }));
  },
  start: async (session, hostMap) => {
    if (get().runs[session]?.state === 'running' || runningOperation(useOperations.getState(), ['replay.run', 'replay.suggestNoise'], { session })) return;
    const { mode, concurrency } = get();
    const run = runOperation('replay.run', { session, mode, concurrency, ...(hostMap?.length ? { hostMap } : {}) }, { onDetail: (b) => applyReplayBatch(session, b, b.results) });
    set((s) => ({ selected: undefined, runs: { ...s.runs, [session]: { opId: run.opId, state: 'running', counts: idle(), rows: new ResultRows(), version: 0 } } }));
    const end = await run.end;
    finishReplay(session, run.opId, end);
    const report = end.state === 'failed' ? undefined : end.result;
    // the saved report is the truth: show it (when this session is still the one shown)
    if (report && get().reports.key === session) get().showReport(session, report);
  },
  stop: async (session) => {
    // ours, or one another client runs on this session: op.cancel is the one way to stop either
    const id = get().runs[session]?.state === 'running' ? get().runs[session]!.opId : runningOperation(useOperations.getState(), ['replay.run', 'replay.suggestNoise'], { session })?.id;
    if (!id) return;
    updateRun(session, (run) => (run.opId === id ? { ...run, stopping: true } : run));
    try {
      await api.call('op.cancel', { id });
    } catch (err) {
      updateRun(session, (run) => (run.opId === id ? { ...run, stopping: false, error: toUiError(err) } : run));
      if (get().runs[session]?.opId !== id) reportBackgroundError(`Stopping the replay of ${session}`, err);
    }
  },
  suggestNoise: async (session) => {
    const s = await runOperation('replay.suggestNoise', { session }).result;
    set((st) => ({ suggestions: { ...st.suggestions, [session]: s } }));
    put(useReplay, 'accepted', session, s.accepted);
  },
  acceptNoise: async (session, paths) => {
    const r = await api.call('replay.acceptNoise', { session, paths });
    put(useReplay, 'accepted', session, r.accepted);
    set((st) => {
      const suggestions = { ...st.suggestions };
      delete suggestions[session];
      return { suggestions };
    });
  },
  removeNoise: async (session, path) => {
    const r = await api.call('replay.removeNoise', { session, paths: [path] });
    put(useReplay, 'accepted', session, r.accepted);
  },
}));

/** For the event table: another client replayed this session (or ours ended): refresh what is loaded. */
export function refreshReplaysOf(session: string): void {
  if (useReplay.getState().reports.key === session) void useReplay.getState().loadSession(session);
}

/** For the event table (after a reconnect): refresh whichever session is loaded. */
export function refreshReplays(): void {
  const session = useReplay.getState().reports.key;
  if (session !== undefined) refreshReplaysOf(session);
}
