/**
 * One loaded trace source (a bundle's traces, a session's OTLP output, or a file the user
 * opened), backed by its own worker. The page holds the columnar TraceSet; details and
 * attribute searches are asked of the worker, which kept the raw records.
 */
import type { TraceSource } from '../../../shared/api/methods/traces';
import type { ProgressEvent } from '../../../shared/api/events';
import type { SpanDetail, TraceSet } from '../../../shared/traces/model';
import type { TraceListItem, TraceQuery, TraceSortKey } from '../../../shared/traces/search';
import type { TraceSetSummary } from '../../../shared/traces/summary';
import { deserializeError, WorkbenchError } from '../../../shared/api/errors';
import { runOperation, type RunningOperation } from '../api';
import type { WorkerIn, WorkerOut } from './protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface LoadedTraces {
  set: TraceSet;
  summary: TraceSetSummary;
}

export class TraceWorkerClient {
  private readonly worker = new Worker(new URL('../workers/traceWorker.ts', import.meta.url), { type: 'module' });
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private loaded?: { resolve: (v: LoadedTraces) => void; reject: (e: Error) => void };
  private loading?: RunningOperation<'traces.load'>;

  /** Where progress goes; set by whoever uses this client (a spare is made before it has a user). */
  onProgress: (p: ProgressEvent) => void = () => {};

  constructor() {
    this.worker.onmessage = (e: MessageEvent<WorkerOut>) => this.receive(e.data);
    this.worker.onerror = (e) => this.fail(new Error(e.message || 'the trace worker failed'));
  }

  private receive(msg: WorkerOut) {
    switch (msg.type) {
      case 'ready':
        // perf tests start their clock once the pane's spare worker is up, as a user's would be
        (window as { __traceWorkersReady?: number }).__traceWorkersReady = ((window as { __traceWorkersReady?: number }).__traceWorkersReady ?? 0) + 1;
        return;
      case 'progress':
        this.onProgress({ task: 'traces', label: msg.label, done: msg.done, total: msg.total, unit: msg.unit });
        return;
      case 'loaded':
        this.onProgress({ task: 'traces', label: 'Loaded', done: msg.summary.spans, total: msg.summary.spans, unit: 'spans', finished: true });
        (window as { __traceLoadPhases?: Record<string, number> }).__traceLoadPhases = { ...msg.phases, postedAt: performance.now() };
        this.loaded?.resolve({ set: msg.set, summary: msg.summary });
        this.loaded = undefined;
        return;
      case 'error':
        this.fail(new Error(msg.message));
        return;
      case 'reply': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(msg.error));
        else p?.resolve(msg.result);
      }
    }
  }

  private fail(err: Error) {
    this.onProgress({ task: 'traces', label: 'Loading traces failed', done: 0, finished: true, error: err.message });
    this.loaded?.reject(err);
    this.loaded = undefined;
  }

  private post(msg: WorkerIn) {
    this.worker.postMessage(msg);
  }

  private whenLoaded(): Promise<LoadedTraces> {
    return new Promise((resolve, reject) => (this.loaded = { resolve, reject }));
  }

  /**
   * Streams every trace file of a bundle or session to the worker, chunk by chunk: the
   * traces.load operation (progress on the op stream, cancellable with cancelLoad()).
   */
  async loadSource(source: TraceSource): Promise<LoadedTraces> {
    const done = this.whenLoaded();
    const run = runOperation(
      'traces.load',
      { source },
      {
        onDetail: (chunk) => this.post({ type: 'chunk', file: chunk.file, text: chunk.text }),
        onEvent: (e) => {
          if (e.type === 'progress' && e.op.progress) this.onProgress({ task: 'traces', ...e.op.progress });
        },
      },
    );
    this.loading = run;
    const end = await run.end;
    this.loading = undefined;
    // every chunk came before the final event
    if (end.state === 'done') this.post({ type: 'end' });
    else this.fail(end.state === 'failed' ? deserializeError(end.error) : new WorkbenchError('cancelled', 'Loading the traces was cancelled'));
    return done;
  }

  /** Stop a loadSource in flight (its promise then rejects). */
  cancelLoad(): void {
    void this.loading?.cancel();
  }

  /** A file the user picked or dropped; read by the worker itself. */
  loadFile(file: File): Promise<LoadedTraces> {
    const done = this.whenLoaded();
    this.post({ type: 'file', file });
    this.post({ type: 'end' });
    return done;
  }

  private ask<T>(msg: DistributiveOmit<Extract<WorkerIn, { id: number }>, 'id'>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ ...msg, id } as WorkerIn);
    });
  }

  detail(trace: number, span: number): Promise<SpanDetail> {
    return this.ask<SpanDetail>({ type: 'detail', trace, span });
  }

  search(query: TraceQuery, sort: TraceSortKey, descending: boolean): Promise<TraceListItem[]> {
    return this.ask<TraceListItem[]>({ type: 'search', query, sort, descending });
  }

  dispose() {
    this.cancelLoad();
    if (this.loaded) this.fail(new WorkbenchError('cancelled', 'Loading traces was cancelled'));
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('closed'));
    this.pending.clear();
  }
}
