import { create } from 'zustand';
import type { AppInfo, EngineStatus } from '../../../shared/api/methods/app';
import type { OpenedBundleInfo, RecentBundle } from '../../../shared/api/methods/bundle';
import type { OperationName } from '../../../shared/api/contract';
import type { ProgressEvent } from '../../../shared/api/events';
import { api, runOperation, type RunningOperation } from '../api';

export const PANE_IDS = ['incident', 'environment', 'replay', 'traces', 'metrics', 'runbook', 'record'] as const;
export type PaneId = (typeof PANE_IDS)[number];

/** One progress bar: an operation's, or one of its parts' (`part`). */
export interface TaskBar extends ProgressEvent {
  method: OperationName;
  session?: string;
  handle?: string;
  part?: string;
}

interface AppState {
  pane: PaneId;
  info?: AppInfo;
  engine?: EngineStatus;
  bundle?: OpenedBundleInfo;
  recent: RecentBundle[];
  opening: boolean;
  openError?: string;
  /** Bars of running operations (and their parts) by id, fed by the `op` event stream; an operation's bars all go when it ends. */
  tasks: Record<string, TaskBar>;
  setPane(pane: PaneId): void;
  refreshEngine(): Promise<void>;
  openBundle(path: string): Promise<void>;
  closeBundle(): Promise<void>;
}

/** The open in flight: a newer open cancels it, and a reply it still gets is closed, never shown. */
let opening: RunningOperation<'bundle.open'> | undefined;

export const useApp = create<AppState>((set, get) => ({
  pane: 'incident',
  recent: [],
  opening: false,
  tasks: {},
  setPane: (pane) => set({ pane }),
  refreshEngine: async () => {
    try {
      set({ engine: await api.call('app.engineStatus', {}) });
    } catch (err) {
      set({ engine: { reachable: false, endpoint: '?', error: (err as Error).message } });
    }
  },
  openBundle: async (path) => {
    set({ opening: true, openError: undefined });
    void opening?.cancel().catch(() => undefined);
    const run = runOperation('bundle.open', { path });
    opening = run;
    const end = await run.end;
    const superseded = opening !== run;
    if (!superseded) opening = undefined;
    if (end.state === 'done' || (end.state === 'cancelled' && end.result)) {
      const bundle = end.result!;
      // A newer open won: this handle is nobody's, so it goes at once (no leak, no stale reply).
      if (superseded) return void api.call('bundle.close', { handle: bundle.handle }).catch(() => undefined);
      const previous = get().bundle;
      set({ bundle, opening: false, pane: 'incident' });
      if (previous && previous.handle !== bundle.handle) void api.call('bundle.close', { handle: previous.handle }).catch(() => undefined);
      void api.call('bundle.recent', {}).then((recent) => set({ recent }), () => undefined);
      return;
    }
    if (superseded) return;
    set({ opening: false, openError: end.state === 'failed' ? end.error.message : undefined });
  },
  closeBundle: async () => {
    const b = get().bundle;
    set({ bundle: undefined });
    if (b) await api.call('bundle.close', { handle: b.handle }).catch(() => undefined);
  },
}));

/** Wire the event streams and first loads once, at start-up. */
export function startAppStore(): void {
  const { refreshEngine } = useApp.getState();
  // `npm start` opens the sample incident: the URL says so with #open=sample (or &open=sample).
  const openSample = /(?:^#|&)open=sample\b/.test(location.hash);
  void api.call('app.info', {}).then((info) => {
    useApp.setState({ info });
    if (openSample && info.samplePath && !useApp.getState().bundle) void useApp.getState().openBundle(info.samplePath);
  }, () => undefined);
  void api.call('bundle.recent', {}).then((recent) => useApp.setState({ recent }), () => undefined);
  void refreshEngine();
  setInterval(() => void useApp.getState().refreshEngine(), 10_000);
  // Every operation's bars: its overall one and its parts'; all of them close when it ends.
  api.on('op', ({ type, op }) =>
    useApp.setState((s) => {
      const tasks = Object.fromEntries(Object.entries(s.tasks).filter(([id]) => id !== op.id && !id.startsWith(`${op.id}:`)));
      if (type === 'done' || type === 'failed' || type === 'cancelled') return { tasks };
      const about = { method: op.method, ...(op.session ? { session: op.session } : {}), ...(op.handle ? { handle: op.handle } : {}) };
      if (op.progress) tasks[op.id] = { task: op.id, ...about, ...op.progress };
      for (const [part, p] of Object.entries(op.parts ?? {})) tasks[`${op.id}:${part}`] = { task: `${op.id}:${part}`, ...about, part, ...p };
      return { tasks };
    }),
  );
}
