import { create } from 'zustand';
import type { AppInfo, EngineStatus } from '../../../shared/api/methods/app';
import type { OpenedBundleInfo, RecentBundle } from '../../../shared/api/methods/bundle';
import type { ProgressEvent } from '../../../shared/api/events';
import { api } from '../api';
import { load, remote, toUiError, type Remote, type UiError } from './remote';

export const PANE_IDS = ['incident', 'environment', 'replay', 'traces', 'metrics', 'runbook', 'record'] as const;
export type PaneId = (typeof PANE_IDS)[number];

/** A failure of work nobody is looking at (closing a bundle, a background refresh): shown in the top bar. */
export interface BackgroundError {
  id: number;
  what: string;
  error: UiError;
}

interface AppState {
  pane: PaneId;
  info: Remote<AppInfo>;
  engine?: EngineStatus;
  bundle?: OpenedBundleInfo;
  recent: Remote<RecentBundle[]>;
  opening: boolean;
  openError?: UiError;
  /** Live long-running tasks by id, fed by the `progress` event stream. */
  tasks: Record<string, ProgressEvent>;
  backgroundErrors: BackgroundError[];
  setPane(pane: PaneId): void;
  refreshEngine(): Promise<void>;
  refreshRecent(): Promise<void>;
  openBundle(path: string): Promise<void>;
  closeBundle(): Promise<void>;
  dismissError(id: number): void;
}

let openSeq = 0;
let errorSeq = 0;

/** Report a failure of background work: never swallowed, shown in the top bar until dismissed. */
export function reportBackgroundError(what: string, err: unknown): void {
  const entry = { id: ++errorSeq, what, error: toUiError(err) };
  useApp.setState((s) => ({ backgroundErrors: [...s.backgroundErrors.slice(-2), entry] }));
}

export const useApp = create<AppState>((set, get) => ({
  pane: 'incident',
  info: remote(),
  recent: remote(),
  opening: false,
  tasks: {},
  backgroundErrors: [],
  setPane: (pane) => set({ pane }),
  refreshEngine: async () => {
    try {
      set({ engine: await api.call('app.engineStatus', {}) });
    } catch (err) {
      set({ engine: { reachable: false, endpoint: '?', error: toUiError(err).message } });
    }
  },
  refreshRecent: async () => {
    await load(useApp, 'recent', 'all', () => api.call('bundle.recent', {}));
  },
  openBundle: async (path) => {
    // Only the newest open lands: a slower earlier open's bundle is closed, not shown and not leaked.
    const seq = ++openSeq;
    set({ opening: true, openError: undefined });
    try {
      const bundle = await api.call('bundle.open', { path });
      if (seq !== openSeq) {
        void api.call('bundle.close', { handle: bundle.handle }).catch((err) => reportBackgroundError(`Closing ${bundle.manifest.incident.id}`, err));
        return;
      }
      const previous = get().bundle;
      set({ bundle, opening: false, pane: 'incident' });
      if (previous && previous.handle !== bundle.handle) void api.call('bundle.close', { handle: previous.handle }).catch((err) => reportBackgroundError(`Closing ${previous.manifest.incident.id}`, err));
      void get().refreshRecent();
    } catch (err) {
      if (seq === openSeq) set({ opening: false, openError: toUiError(err) });
    }
  },
  closeBundle: async () => {
    const b = get().bundle;
    openSeq++; // an open still in flight must not bring a bundle back after this close
    set({ bundle: undefined, opening: false });
    if (b) await api.call('bundle.close', { handle: b.handle }).catch((err) => reportBackgroundError(`Closing ${b.manifest.incident.id}`, err));
  },
  dismissError: (id) => set((s) => ({ backgroundErrors: s.backgroundErrors.filter((e) => e.id !== id) })),
}));

/** First loads, once at start-up (the event streams and polling are wired in store/live.ts). */
export function startAppStore(): void {
  // `npm start` opens the sample incident: the URL says so with #open=sample (or &open=sample).
  const openSample = /(?:^#|&)open=sample\b/.test(location.hash);
  void load(useApp, 'info', 'app', () => api.call('app.info', {})).then((info) => {
    if (openSample && info?.samplePath && !useApp.getState().bundle) void useApp.getState().openBundle(info.samplePath);
  });
  void useApp.getState().refreshRecent();
  void useApp.getState().refreshEngine();
}
