import { create } from 'zustand';
import type { AppInfo, EngineStatus } from '../../../shared/api/methods/app';
import type { OpenedBundleInfo, RecentBundle } from '../../../shared/api/methods/bundle';
import { api, runOperation, type RunningOperation } from '../api';
import { load, remote, toUiError, type Remote, type UiError } from './remote';

export const PANE_IDS = ['incident', 'environment', 'replay', 'traces', 'logs', 'metrics', 'runbook', 'record', 'capture', 'gameday'] as const;
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
  /** An open in flight (unpacking an archive can take a while: its bar is the operation's). */
  opening?: string;
  openError?: UiError;
  backgroundErrors: BackgroundError[];
  /** False while the event connection is down (the web host's socket reconnects by itself). */
  connected: boolean;
  setPane(pane: PaneId): void;
  refreshEngine(): Promise<void>;
  refreshRecent(): Promise<void>;
  openBundle(path: string): Promise<void>;
  cancelOpen(): void;
  closeBundle(): Promise<void>;
  dismissError(id: number): void;
}

/** The open in flight: a newer open (or a close) cancels it, and a bundle it still gets is closed, never shown. */
let openInFlight: RunningOperation<'bundle.open'> | undefined;
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
  backgroundErrors: [],
  connected: true,
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
    set({ openError: undefined });
    void openInFlight?.cancel().catch((err) => reportBackgroundError('Cancelling the previous open', err));
    const run = runOperation('bundle.open', { path });
    openInFlight = run;
    set({ opening: run.opId });
    const end = await run.end;
    const superseded = openInFlight !== run;
    if (!superseded) {
      openInFlight = undefined;
      set({ opening: undefined });
    }
    const bundle = end.state === 'done' || end.state === 'cancelled' ? end.result : undefined;
    if (bundle && superseded) {
      // A newer open (or a close) won: this handle is nobody's, so it goes at once (no leak, no stale reply).
      void api.call('bundle.close', { handle: bundle.handle }).catch((err) => reportBackgroundError(`Closing ${bundle.manifest.incident.id}`, err));
      return;
    }
    if (superseded) return;
    if (!bundle) {
      if (end.state === 'failed') set({ openError: toUiError(end.error) });
      return;
    }
    const previous = get().bundle;
    set({ bundle, pane: 'incident' });
    if (previous && previous.handle !== bundle.handle) void api.call('bundle.close', { handle: previous.handle }).catch((err) => reportBackgroundError(`Closing ${previous.manifest.incident.id}`, err));
    void get().refreshRecent();
  },
  cancelOpen: () => {
    void openInFlight?.cancel().catch((err) => reportBackgroundError('Cancelling the open', err));
  },
  closeBundle: async () => {
    const b = get().bundle;
    // an open still in flight must not bring a bundle back after this close
    if (openInFlight) {
      void openInFlight.cancel().catch((err) => reportBackgroundError('Cancelling the open', err));
      openInFlight = undefined;
    }
    set({ bundle: undefined, opening: undefined });
    if (b) await api.call('bundle.close', { handle: b.handle }).catch((err) => reportBackgroundError(`Closing ${b.manifest.incident.id}`, err));
  },
  dismissError: (id) => set((s) => ({ backgroundErrors: s.backgroundErrors.filter((e) => e.id !== id) })),
}));

/**
 * A read cut off in transit (the browser aborts requests in flight when the host's networks change,
 * e.g. as Docker creates a bridge: "Failed to fetch") is asked again, a few times: without app.info
 * the empty state has no sample to open. Only for reads: a change is never sent twice.
 */
async function retryInTransit<T>(read: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof TypeError) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250 * i));
    }
  }
}

/** First loads, once at start-up (the event streams and polling are wired in store/live.ts). */
export function startAppStore(): void {
  // `npm start` opens the sample incident: the URL says so with #open=sample (or &open=sample).
  const openSample = /(?:^#|&)open=sample\b/.test(location.hash);
  void load(useApp, 'info', 'app', () => retryInTransit(() => api.call('app.info', {}))).then((info) => {
    if (openSample && info?.samplePath && !useApp.getState().bundle) void useApp.getState().openBundle(info.samplePath);
  });
  void load(useApp, 'recent', 'all', () => retryInTransit(() => api.call('bundle.recent', {})));
  void useApp.getState().refreshEngine();
}
