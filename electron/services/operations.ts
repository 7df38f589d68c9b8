import { randomBytes, randomUUID } from 'node:crypto';
import { serializeError, WorkbenchError } from '../../shared/api/errors';
import type { OperationDetailEvent, OperationEvent } from '../../shared/api/events';
import type { OperationEnd, OperationInfo, OperationList, OperationProgress, OperationSnapshot } from '../../shared/api/operations';
import { OP_ID_PATTERN } from '../../shared/api/operations';
import type { Connection, EventBus } from './event-bus';

/** One progress report of an operation: its overall bar, or a part's (`part`), closed with `finished`. */
export interface ProgressUpdate extends OperationProgress {
  part?: string;
  finished?: boolean;
}

/** What a running operation's work gets. */
export interface OperationRunContext {
  readonly id: string;
  /** Aborted by op.cancel (or at shutdown). */
  readonly signal: AbortSignal;
  progress(p: ProgressUpdate): void;
  /** Live data to the connections that started or watch the operation. */
  detail(data: unknown): void;
  /** Resolves when every watcher's transport has room for more. */
  drained(): Promise<void>;
}

export interface OperationSpec {
  method: string;
  client: string;
  /** The caller's id for it (runOperation makes one); else made here. */
  id?: string;
  session?: string;
  handle?: string;
}

type AnyEnd = OperationEnd;
type AnyInfo = OperationInfo;

interface Entry {
  info: AnyInfo;
  controller: AbortController;
  watchers: Map<string, { conn: Connection; remove: () => void }>;
  end?: AnyEnd;
  settled: Promise<AnyEnd>;
  lastProgressAt: number;
  progressTimer?: NodeJS.Timeout;
}

/** Progress events per operation at most every PROGRESS_MS (the last one is never dropped). */
const PROGRESS_MS = 100;
/** Ended operations kept (with their results) for op.get and reconnecting clients. */
const KEEP_ENDED = 50;

/**
 * Every long call of this process runs here: it gets an id, a signal, typed progress and live
 * data, and ends with exactly one final `op` event. Hosts start operations for their clients;
 * the CLI starts them in-process and awaits `end`.
 */
export class OperationRegistry {
  /** Changes with every process: a client seeing another instance knows its operations are gone. */
  readonly instance = randomUUID();
  private seq = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly ended: string[] = [];

  constructor(private readonly bus: EventBus) {}

  get lastSeq(): number {
    return this.seq;
  }

  start(spec: OperationSpec, run: (ctx: OperationRunContext) => Promise<unknown>): { id: string; end: Promise<AnyEnd> } {
    const id = spec.id ?? randomBytes(12).toString('base64url');
    if (!OP_ID_PATTERN.test(id)) throw new WorkbenchError('invalid_argument', `operation id "${id}" is not valid`);
    if (this.entries.has(id)) throw new WorkbenchError('conflict', `an operation with id ${id} exists already`);
    const controller = new AbortController();
    const info: AnyInfo = {
      id,
      method: spec.method as AnyInfo['method'],
      state: 'running',
      client: spec.client,
      ...(spec.session ? { session: spec.session } : {}),
      ...(spec.handle ? { handle: spec.handle } : {}),
      startedAt: Date.now(),
      seq: 0,
    };
    const entry: Entry = { info, controller, watchers: new Map(), settled: undefined as unknown as Promise<AnyEnd>, lastProgressAt: 0 };
    this.entries.set(id, entry);
    const starter = this.bus.connection(spec.client);
    if (starter) this.addWatcher(entry, starter);
    this.emit(entry, { type: 'started' });

    const ctx: OperationRunContext = {
      id,
      signal: controller.signal,
      progress: (p) => this.progress(entry, p),
      detail: (data) => {
        if (entry.end) return;
        const event = { op: id, method: info.method, data } as OperationDetailEvent;
        for (const { conn } of entry.watchers.values()) conn.send('opDetail', event);
      },
      drained: () => Promise.all([...entry.watchers.values()].map((w) => w.conn.drained())).then(() => undefined),
    };
    entry.settled = (async (): Promise<AnyEnd> => {
      try {
        const result = await run(ctx);
        return controller.signal.aborted ? { state: 'cancelled', result: result as never } : { state: 'done', result: result as never };
      } catch (err) {
        if (controller.signal.aborted || (err instanceof WorkbenchError && err.code === 'cancelled')) return { state: 'cancelled' };
        return { state: 'failed', error: serializeError(err) };
      }
    })().then((end) => {
      this.finish(entry, end);
      return end;
    });
    return { id, end: entry.settled };
  }

  /** Ask an operation to stop; it ends `cancelled`. False when unknown or already ended. */
  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.end) return false;
    entry.controller.abort(new WorkbenchError('cancelled', 'cancelled'));
    return true;
  }

  get(id: string): OperationSnapshot | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    return { ...snapshotInfo(entry.info), ...(entry.end ? { end: entry.end } : {}) } as OperationSnapshot;
  }

  /** Running operations and the ones that ended lately, oldest first. */
  list(filter: { since?: number; session?: string } = {}): OperationList {
    const ops = [...this.entries.values()]
      .map((e) => e.info)
      .filter((i) => (filter.since === undefined || i.seq > filter.since) && (filter.session === undefined || i.session === filter.session))
      .sort((a, b) => a.startedAt - b.startedAt)
      .map(snapshotInfo);
    return { instance: this.instance, seq: this.seq, ops };
  }

  /** Running operations matching `pred`. */
  running(pred: (info: AnyInfo) => boolean = () => true): AnyInfo[] {
    return [...this.entries.values()].filter((e) => !e.end && pred(e.info)).map((e) => snapshotInfo(e.info));
  }

  /** Send the client's connection the operation's live data until it ends or the connection closes. */
  watch(id: string, client: string): AnyInfo {
    const entry = this.entries.get(id);
    if (!entry) throw new WorkbenchError('not_found', `no operation ${id}`);
    const conn = this.bus.connection(client);
    if (!conn) throw new WorkbenchError('invalid_argument', 'watching an operation needs an event connection (this client has none open)');
    if (!entry.end) this.addWatcher(entry, conn);
    return snapshotInfo(entry.info);
  }

  unwatch(id: string, client: string): void {
    const entry = this.entries.get(id);
    const w = entry?.watchers.get(client);
    if (!entry || !w) return;
    w.remove();
    entry.watchers.delete(client);
  }

  /** Cancel everything still running and wait for each to end (host shutdown). */
  async shutdown(): Promise<void> {
    const live = [...this.entries.values()].filter((e) => !e.end);
    for (const e of live) e.controller.abort(new WorkbenchError('cancelled', 'the workbench is shutting down'));
    await Promise.all(live.map((e) => e.settled));
  }

  private addWatcher(entry: Entry, conn: Connection): void {
    entry.watchers.get(conn.client)?.remove();
    const remove = conn.onClose(() => {
      if (entry.watchers.get(conn.client)?.conn === conn) entry.watchers.delete(conn.client);
    });
    entry.watchers.set(conn.client, { conn, remove });
  }

  private progress(entry: Entry, p: ProgressUpdate): void {
    if (entry.end) return;
    const { part, finished, ...bar } = p;
    if (part !== undefined) {
      const parts = { ...(entry.info.parts ?? {}) };
      if (finished) delete parts[part];
      else parts[part] = bar;
      if (Object.keys(parts).length) entry.info.parts = parts;
      else delete entry.info.parts;
    } else {
      entry.info.progress = bar;
    }
    // A few events a second are plenty for a bar; a part closing is always sent at once.
    const now = Date.now();
    const wait = PROGRESS_MS - (now - entry.lastProgressAt);
    if (wait <= 0 || finished) {
      this.flushProgress(entry);
    } else {
      entry.progressTimer ??= setTimeout(() => this.flushProgress(entry), wait);
    }
  }

  private flushProgress(entry: Entry): void {
    if (entry.progressTimer) clearTimeout(entry.progressTimer);
    entry.progressTimer = undefined;
    if (entry.end) return;
    entry.lastProgressAt = Date.now();
    this.emit(entry, { type: 'progress' });
  }

  private finish(entry: Entry, end: AnyEnd): void {
    if (entry.progressTimer) clearTimeout(entry.progressTimer);
    entry.progressTimer = undefined;
    entry.info.state = end.state;
    entry.info.finishedAt = Date.now();
    delete entry.info.parts;
    this.emit(entry, end.state === 'done' ? { type: 'done', result: end.result } : end.state === 'failed' ? { type: 'failed', error: end.error } : { type: 'cancelled', ...('result' in end && end.result !== undefined ? { result: end.result } : {}) });
    entry.end = end;
    for (const w of entry.watchers.values()) w.remove();
    entry.watchers.clear();
    this.ended.push(entry.info.id);
    while (this.ended.length > KEEP_ENDED) this.entries.delete(this.ended.shift()!);
  }

  private emit(entry: Entry, rest: { type: OperationEvent['type']; result?: unknown; error?: unknown }): void {
    entry.info.seq = ++this.seq;
    this.bus.broadcast('op', { ...rest, method: entry.info.method, op: snapshotInfo(entry.info) } as OperationEvent);
  }
}

function snapshotInfo(info: AnyInfo): AnyInfo {
  return { ...info, ...(info.progress ? { progress: { ...info.progress } } : {}), ...(info.parts ? { parts: { ...info.parts } } : {}) };
}
