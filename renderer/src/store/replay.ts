/**
 * Replay pane state. Runs live here, keyed by session, not in the pane: leave the pane mid-replay
 * and come back to the same progress and rows, with Start still disabled. Live rows are kept in
 * request order by inserting each batch in place (never copying or re-sorting the whole list).
 * Also the session's past replays (summaries), the one being looked at (rows and kept bodies),
 * the external requests nothing matched, and noise paths.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { NoiseSuggestions, ReplayBodies, ReplayReport, UnmatchedRequest } from '../../../shared/api/methods/replay';
import type { ReplayOutcome, ReplayResult } from '../../../shared/replay/report';
import { api } from '../api';
import { clear, dataFor, load, put, remote, toUiError, type Remote, type UiError } from './remote';

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

export interface ReplayRun {
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
  /** Past replays of a session, newest first; keyed by session. */
  reports: Remote<ReplayReport[]>;
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
  chooseReport(session: string, id: string | undefined): Promise<void>;
  start(session: string): Promise<void>;
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

/** The replay ended: keep its rows and counts (the pane shows them until the saved report loads). */
export function finishReplay(session: string, end: { report: ReplayReport } | { error: unknown }): void {
  updateRun(session, (run) => {
    if ('error' in end) return { ...run, state: 'failed', stopping: false, error: toUiError(end.error) };
    const r = end.report;
    return { ...run, state: r.cancelled ? 'cancelled' : 'done', stopping: false, counts: { total: r.total, done: r.sent, matched: r.matched, mismatched: r.mismatched, errors: r.errors } };
  });
}

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
    await load(useReplay, 'report', `${session}/${id}`, async () => {
      const r = await api.call('replay.get', { session, id });
      return { ...r, rows: new ResultRows(r.report.results) };
    });
  },
  start: async (session) => {
    if (get().runs[session]?.state === 'running') return;
    const { mode, concurrency } = get();
    set((s) => ({ selected: undefined, runs: { ...s.runs, [session]: { state: 'running', counts: idle(), rows: new ResultRows(), version: 0 } } }));
    try {
      const report = await api.call('replay.run', { session, mode, concurrency });
      finishReplay(session, { report });
      // the saved report is the truth: show it
      if (get().reports.key === session) {
        put(useReplay, 'reports', session, [report, ...(dataFor(get().reports, session) ?? []).filter((r) => r.id !== report.id)]);
        put(useReplay, 'report', `${session}/${report.id}`, { report, bodies: [], rows: new ResultRows(report.results) });
        set({ reportId: report.id });
        void load(useReplay, 'report', `${session}/${report.id}`, async () => {
          const r = await api.call('replay.get', { session, id: report.id });
          return { ...r, rows: new ResultRows(r.report.results) };
        });
        void load(useReplay, 'unmatched', session, () => api.call('replay.unmatched', { session }));
      }
    } catch (err) {
      finishReplay(session, { error: err });
    }
  },
  stop: async (session) => {
    updateRun(session, (run) => ({ ...run, stopping: true }));
    try {
      await api.call('replay.stop', { session });
    } catch (err) {
      updateRun(session, (run) => ({ ...run, stopping: false, error: toUiError(err) }));
    }
  },
  suggestNoise: async (session) => {
    const s = await api.call('replay.suggestNoise', { session });
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
