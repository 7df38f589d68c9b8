import { create } from 'zustand';
import type { AppInfo, EngineStatus } from '../../../shared/api/methods/app';
import type { OpenedBundleInfo, RecentBundle } from '../../../shared/api/methods/bundle';
import type { ProgressEvent } from '../../../shared/api/events';
import { api } from '../api';

export const PANE_IDS = ['incident', 'environment', 'replay', 'traces', 'metrics', 'runbook', 'record', 'capture'] as const;
export type PaneId = (typeof PANE_IDS)[number];

interface AppState {
  pane: PaneId;
  info?: AppInfo;
  engine?: EngineStatus;
  bundle?: OpenedBundleInfo;
  recent: RecentBundle[];
  opening: boolean;
  openError?: string;
  /** Live long-running tasks by id, fed by the `progress` event stream. */
  tasks: Record<string, ProgressEvent>;
  setPane(pane: PaneId): void;
  refreshEngine(): Promise<void>;
  openBundle(path: string): Promise<void>;
  closeBundle(): Promise<void>;
}

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
    try {
      const previous = get().bundle;
      const bundle = await api.call('bundle.open', { path });
      set({ bundle, opening: false, pane: 'incident' });
      if (previous && previous.handle !== bundle.handle) void api.call('bundle.close', { handle: previous.handle }).catch(() => undefined);
      void api.call('bundle.recent', {}).then((recent) => set({ recent }), () => undefined);
    } catch (err) {
      set({ opening: false, openError: (err as Error).message });
    }
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
  api.on('progress', (p) =>
    useApp.setState((s) => {
      const tasks = { ...s.tasks, [p.task]: p };
      if (p.finished) delete tasks[p.task];
      return { tasks };
    }),
  );
}
