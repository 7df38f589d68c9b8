/**
 * Log sources the UI has open, by id ("bundle:<handle>", "session:<name>"): each is a LogStore
 * (shared/logs/store.ts) filled in the background by a plain async reader that takes a signal
 * and reports progress, so the first rows can be shown while the rest is still being read.
 */
import { WorkbenchError } from '../../../shared/api/errors';
import type { LogLineDetail, LogMoments, LogSourceRef, LogsStatus } from '../../../shared/api/methods/logs';
import { isOtlpLogs, parseJsonLine, recordFields, type BadLine, type LogRecord } from '../../../shared/logs/record';
import { LogStore } from '../../../shared/logs/store';
import { getOpenBundle } from '../open-bundles';
import { areaState, type Workbench } from '../workbench';
import { BAD_LINES_KEPT, bundleLogFiles, containerRecord, readLineAt, readLogFiles, readSessionLogs, sessionOtlpLogsDir, type LogFile, type LogSink, type ReadProgress } from './read';
import { join } from 'node:path';

export interface OpenLogs {
  id: string;
  label: string;
  store: LogStore;
  loading: boolean;
  bytesRead: number;
  totalBytes: number;
  badLines: number;
  bad: BadLine[];
  files: string[];
  /** Each file, to read a line back (undefined: container output, kept in `containerLines`). */
  logFiles: Array<LogFile | undefined>;
  containerLines: string[];
  error?: string;
  controller: AbortController;
  done: Promise<void>;
  /** Who hears the status as reading goes on (each open call adds itself while it waits). */
  listeners: Set<(status: LogsStatus) => void>;
}

const registry = (wb: Workbench) => areaState<Map<string, OpenLogs>>(wb, 'logs', () => new Map());

export function sourceId(source: LogSourceRef): string {
  return source.kind === 'bundle' ? `bundle:${source.handle}` : `session:${source.name}`;
}

export interface LoadOptions {
  /** Stops the reading (what was read stays). */
  signal?: AbortSignal;
  /** Called as reading goes on (at most every ~150 ms) and once at the end. */
  onProgress?: (status: LogsStatus) => void;
}

export function statusOf(o: OpenLogs): LogsStatus {
  return {
    id: o.id,
    label: o.label,
    loading: o.loading,
    lines: o.store.length,
    badLines: o.badLines,
    bad: o.bad,
    bytesRead: o.bytesRead,
    totalBytes: o.totalBytes,
    files: o.files,
    services: o.store.services.values,
    levels: o.store.levelCounts(),
    timeRange: o.store.timeRange(),
    ...(o.error ? { error: o.error } : {}),
  };
}

/**
 * Opens a source (or the one already open) and reads it; resolves with the status when all is
 * read. The store can be queried from the start: `opts.onProgress` hears each step.
 */
export async function openLogs(wb: Workbench, source: LogSourceRef, opts: LoadOptions & { reload?: boolean } = {}): Promise<LogsStatus> {
  const o = startLogs(wb, source, opts);
  const listener = opts.onProgress;
  if (listener) {
    o.listeners.add(listener);
    listener(statusOf(o));
  }
  const stop = () => o.controller.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    await o.done;
  } finally {
    if (listener) o.listeners.delete(listener);
    opts.signal?.removeEventListener('abort', stop);
  }
  return statusOf(o);
}

/** The open source (reading started if it was not open yet). */
export function startLogs(wb: Workbench, source: LogSourceRef, opts: { reload?: boolean } = {}): OpenLogs {
  const id = sourceId(source);
  const reg = registry(wb);
  const existing = reg.get(id);
  if (existing && !opts.reload) return existing;
  if (existing) closeLogs(wb, id);
  const controller = new AbortController();
  const o: OpenLogs = {
    id,
    label: source.kind === 'bundle' ? `${getOpenBundle(wb, source.handle).manifest.incident.id} logs` : `session ${source.name}`,
    store: new LogStore(),
    loading: true,
    bytesRead: 0,
    totalBytes: 0,
    badLines: 0,
    bad: [],
    files: [],
    logFiles: [],
    containerLines: [],
    controller,
    done: Promise.resolve(),
    listeners: new Set(),
  };
  reg.set(id, o);
  o.done = loadInto(wb, source, o, { signal: controller.signal, onProgress: (status) => o.listeners.forEach((l) => l(status)) });
  return o;
}

/** Reads the source into `o.store`; never throws (a failure is kept in `o.error`). */
async function loadInto(wb: Workbench, source: LogSourceRef, o: OpenLogs, opts: LoadOptions): Promise<void> {
  let last = 0;
  const tell = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 150) return;
    last = now;
    opts.onProgress?.(statusOf(o));
  };
  const sink: LogSink = {
    onRecord: (rec: LogRecord, file, line, offset, sub) => {
      o.store.add(rec, file, line, offset, sub);
      // the first screen should not wait for the first progress tick
      if (o.store.length === 200) tell(true);
    },
    onBadLine: (b) => {
      o.badLines++;
      if (o.bad.length < BAD_LINES_KEPT) o.bad.push(b);
    },
    onFile: (i, name) => (o.files[i] = name),
  };
  const onProgress = (p: ReadProgress) => {
    o.bytesRead = p.bytes;
    o.totalBytes = p.totalBytes;
    tell();
  };
  try {
    if (source.kind === 'bundle') {
      const files = await bundleLogFiles(getOpenBundle(wb, source.handle).root);
      o.logFiles = files;
      o.totalBytes = files.reduce((a, f) => a + f.bytes, 0);
      await readLogFiles(files, sink, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress });
    } else {
      const dir = sessionOtlpLogsDir(wb.stateDir, source.name);
      const keep: LogSink = {
        ...sink,
        onRecord: (rec, file, line, offset, sub) => {
          if (file === 0) o.containerLines[line] = rec.source.kind === 'json' ? JSON.stringify(rec.source.object) : rec.msg;
          sink.onRecord(rec, file, line, offset, sub);
        },
        onFile: (i, name) => {
          o.files[i] = name;
          o.logFiles[i] = i === 0 ? undefined : { path: join(dir, name.replace(/^otlp-logs\//, '')), name, bytes: 0, service: '' };
        },
      };
      await readSessionLogs({ docker: wb.docker, stateDir: wb.stateDir, session: source.name, ...(opts.signal ? { signal: opts.signal } : {}), onProgress }, keep);
    }
    o.store.sortByTime();
    o.store.templates();
  } catch (err) {
    o.error = (err as Error).message;
  } finally {
    o.loading = false;
    tell(true);
  }
}

export function getLogs(wb: Workbench, id: string): OpenLogs {
  const o = registry(wb).get(id);
  if (!o) throw new WorkbenchError('not_found', `No open logs ${id}; open them again`);
  return o;
}

export function closeLogs(wb: Workbench, id: string): boolean {
  const o = registry(wb).get(id);
  if (!o) return false;
  o.controller.abort();
  registry(wb).delete(id);
  return true;
}

/** Everything about one line: its fields, read back from its file (or kept, for container output). */
export async function lineDetail(o: OpenLogs, index: number): Promise<LogLineDetail> {
  const s = o.store;
  if (index >= s.length) throw new WorkbenchError('invalid_argument', `line ${index} is beyond the ${s.length} lines read`);
  const row = s.row(index, 1 << 20);
  const file = s.file.data[index]!;
  const line = s.line.data[index]!;
  const offset = s.offset.data[index]!;
  const logFile = o.logFiles[file];
  let raw = '';
  let rec: LogRecord | undefined;
  if (logFile !== undefined && offset >= 0) {
    raw = await readLineAt(logFile, offset);
    let k = 0;
    parseJsonLine(raw, '', (r) => {
      if (k++ === s.sub.data[index]) rec = r;
    });
  } else if (file === 0 && o.containerLines[line] !== undefined) {
    raw = o.containerLines[line]!;
    rec = containerRecord(raw, row.ts, row.service, 'stdout');
  }
  let pretty = raw;
  try {
    const obj = JSON.parse(raw) as unknown;
    // an OTLP export line holds many records: show this one's
    pretty = JSON.stringify(isOtlpLogs(obj) && rec?.source.kind === 'otlp' ? rec.source.record : obj, null, 2);
  } catch {
    // text stays as written
  }
  const model = s.templates();
  return {
    row,
    file: o.files[file] ?? '',
    line,
    raw: pretty.length > 65536 ? `${pretty.slice(0, 65536)}…` : pretty,
    fields: rec ? recordFields(rec) : [],
    template: row.template > 0 ? model.templates[row.template - 1]!.text : '',
  };
}

/** The incident timeline's two moments from an open bundle's logs (read fully first). */
export async function bundleMoments(wb: Workbench, handle: string): Promise<LogMoments> {
  const o = startLogs(wb, { kind: 'bundle', handle });
  await o.done;
  if (o.error) throw new WorkbenchError('internal', o.error);
  return { ...o.store.errorMoments(), lines: o.store.length };
}
