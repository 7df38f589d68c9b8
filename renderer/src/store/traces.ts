/**
 * Loaded trace sources survive pane switches: each is a worker plus the columnar TraceSet it
 * posted. Views pick a source and a trace by index.
 */
import { create } from 'zustand';
import type { ProgressEvent } from '../../../shared/api/events';
import type { TraceSource } from '../../../shared/api/methods/traces';
import type { TraceSet } from '../../../shared/traces/model';
import type { TraceSetSummary } from '../../../shared/traces/summary';
import { TraceWorkerClient } from '../traces/client';
import { toUiError, type UiError } from './remote';

export interface LoadedSource {
  key: string;
  label: string;
  client: TraceWorkerClient;
  set: TraceSet;
  summary: TraceSetSummary;
  /** performance.now() when loading started, for first-paint timing. */
  startedAt: number;
}

interface TracesState {
  sources: LoadedSource[];
  active?: string;
  trace: number;
  progress?: ProgressEvent;
  error?: UiError;
  loading: boolean;
  /** A trace (and span) someone asked to see from elsewhere (a log line); the pane shows it once loaded. */
  focus?: { traceId: string; spanId?: string };
  focusTrace(traceId: string, spanId?: string): void;
  load(key: string, label: string, how: { source: TraceSource } | { file: File }): Promise<void>;
  /** Stop the load in flight (a source's traces.load operation, or a file's parse). */
  cancelLoad(): void;
  setActive(key: string): void;
  setTrace(index: number): void;
  close(key: string): void;
}

let spare: TraceWorkerClient | undefined = typeof Worker === 'undefined' ? undefined : new TraceWorkerClient();
/** The client loading now, so its load can be cancelled. */
let loadingClient: TraceWorkerClient | undefined;

export const useTraces = create<TracesState>((set, get) => ({
  sources: [],
  trace: 0,
  loading: false,
  load: async (key, label, how) => {
    get().close(key);
    const startedAt = performance.now();
    set({ loading: true, error: undefined, progress: { task: 'traces', label: `Loading ${label}`, done: 0 } });
    // A worker is started ahead of time so opening a file does not wait for one to boot.
    const client = spare ?? new TraceWorkerClient();
    spare = undefined;
    loadingClient = client;
    client.onProgress = (progress) => set({ progress: progress.finished ? undefined : progress });
    try {
      const loaded = 'file' in how ? await client.loadFile(how.file) : await client.loadSource(how.source);
      // The next spare boots only now: booting it during the load would compete for the CPU.
      spare ??= new TraceWorkerClient();
      // Longest trace first: the one an engineer usually wants.
      let longest = 0;
      loaded.set.traces.forEach((t, i) => {
        if (t.durationUs > loaded.set.traces[longest]!.durationUs) longest = i;
      });
      set((s) => ({
        sources: [...s.sources.filter((x) => x.key !== key), { key, label, client, set: loaded.set, summary: loaded.summary, startedAt }],
        active: key,
        trace: longest,
        loading: false,
        progress: undefined,
      }));
    } catch (err) {
      client.dispose();
      spare ??= new TraceWorkerClient();
      const e = toUiError(err);
      set({ loading: false, progress: undefined, ...(e.code === 'cancelled' ? {} : { error: e }) });
    } finally {
      if (loadingClient === client) loadingClient = undefined;
    }
  },
  cancelLoad: () => {
    // a file is parsed in the worker: stopping it is disposing of it
    if (loadingClient) {
      loadingClient.cancelLoad();
      loadingClient.dispose();
    }
  },
  focusTrace: (traceId, spanId) => set({ focus: { traceId, ...(spanId ? { spanId } : {}) } }),
  setActive: (key) => set({ active: key, trace: 0 }),
  setTrace: (trace) => set({ trace }),
  close: (key) => {
    const s = get().sources.find((x) => x.key === key);
    if (!s) return;
    s.client.dispose();
    set((st) => ({ sources: st.sources.filter((x) => x.key !== key), active: st.active === key ? st.sources.find((x) => x.key !== key)?.key : st.active }));
  },
}));
