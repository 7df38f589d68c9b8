/**
 * Reading logs, streamed: a bundle's logs/*.jsonl (folder or packed), a folder of .jsonl/.json
 * files, one file, or a running session (its containers' output and what its OTLP receiver
 * took). Files are read in chunks and split into lines as they come, so a 1 GB file never sits
 * in memory whole; a bad line is counted, kept (its number and start) and skipped, never fatal.
 */
import { lstat, open, readFile, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { isOtlpLogs, parseJsonLine, recordFromObject, recordFromText, recordsFromOtlp, type BadLine, type LogRecord } from '../../../shared/logs/record';
import { listBundleFolder, openBundleFile, readBundleFile } from '../bundles/bundle-path';
import { isArchiveName, openBundle } from '../bundles/open';
import { listRegularFiles, statUserPath } from '../user-files';
import { streamLogs } from '../environments/logs';
import { sessionsRoot } from '../environments/session-info';
import { SessionStore, sessionDirOf } from '../environments/state-store';

export interface LogFile {
  /** Absolute path. */
  path: string;
  /** As shown to people: relative to what they gave (logs/checkout.jsonl). */
  name: string;
  bytes: number;
  /** Service for lines that name none (the file's base name: logs/checkout.jsonl -> checkout). */
  service: string;
  /** Set for a bundle's file: it is opened through the bundle path helper (no link followed), `name` being its bundle path. */
  bundleRoot?: string;
}

export interface LogFiles {
  files: LogFile[];
  source: string;
  /** Removes an unpacked archive's folder; no-op otherwise. */
  dispose(): Promise<void>;
}

/** The text of one line of a file, read back by its byte offset (for the detail view). */
export async function readLineAt(file: LogFile, offset: number, maxBytes = 4 << 20): Promise<string> {
  const fh = (await openLogFile(file)).handle;
  try {
    const chunks: Buffer[] = [];
    let at = offset;
    for (let total = 0; total < maxBytes; ) {
      const buf = Buffer.alloc(Math.min(64 * 1024, maxBytes - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) {
        chunks.push(buf.subarray(0, nl));
        break;
      }
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      at += bytesRead;
    }
    return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '').replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
}

export interface ReadProgress {
  bytes: number;
  totalBytes: number;
  lines: number;
  file: string;
}

export interface LogSink {
  /**
   * Called for every record: `line` is the 1-based line of `file` it came from, `offset` that
   * line's byte offset (-1 when it has none, e.g. container output) and `sub` the record's
   * place among the line's records (an OTLP export line holds many).
   */
  onRecord(rec: LogRecord, file: number, line: number, offset: number, sub: number): void;
  onBadLine?(bad: BadLine): void;
  /** Called before the records of file `index` (its name as shown) arrive. */
  onFile?(index: number, name: string): void;
}

export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (p: ReadProgress) => void;
}

/** The first BAD_LINES_KEPT bad lines are kept with their text; all are counted. */
export const BAD_LINES_KEPT = 100;
/** A file that is one JSON document (not one object a line) is read whole up to this size. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

const LOG_FILE = /\.(jsonl|ndjson|json|log)$/i;

function serviceOf(name: string): string {
  return basename(name).replace(/\.(jsonl|ndjson|json|log)$/i, '').replace(/\.otlp$/i, '');
}

async function filesIn(dir: string, prefix: string): Promise<LogFile[]> {
  return (await listRegularFiles(dir, LOG_FILE)).map((e) => ({ path: join(dir, e.name), name: prefix + e.name, bytes: e.bytes, service: serviceOf(e.name) }));
}

async function isDir(p: string): Promise<boolean> {
  return lstat(p).then((s) => s.isDirectory(), () => false);
}

/**
 * Log files of what the user named: a bundle folder (its logs/), a packed bundle, another
 * folder (its .jsonl/.json/.log files) or one file.
 */
export async function findLogFiles(path: string): Promise<LogFiles> {
  const st = await statUserPath(path);
  const none = async () => {};
  if (st.isDirectory()) {
    const bundleLike = await lstat(join(path, 'bundle.json')).then(() => true, () => false);
    if (bundleLike) return { files: await bundleLogFiles(path), source: path, dispose: none };
    if (await isDir(join(path, 'logs'))) return { files: await filesIn(join(path, 'logs'), 'logs/'), source: path, dispose: none };
    return { files: await filesIn(path, ''), source: path, dispose: none };
  }
  if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${path} is neither a file nor a folder`);
  if (isArchiveName(path)) {
    const bundle = await openBundle(path);
    try {
      return { files: await bundleLogFiles(bundle.root), source: path, dispose: () => bundle.dispose() };
    } catch (err) {
      await bundle.dispose();
      throw err;
    }
  }
  return { files: [{ path, name: basename(path), bytes: st.size, service: serviceOf(path) }], source: path, dispose: none };
}

/** A bundle's logs/ files, listed and later opened through the bundle path helper: a link in a bundle is never followed. */
export async function bundleLogFiles(root: string): Promise<LogFile[]> {
  return (await listBundleFolder(root, 'logs', LOG_FILE)).map((e) => ({ path: join(root, 'logs', e.name), name: `logs/${e.name}`, bytes: e.bytes, service: serviceOf(e.name), bundleRoot: root }));
}

/** Opens a log file for reading: a bundle's through the bundle path helper, others only when regular files. */
async function openLogFile(file: LogFile): Promise<{ handle: FileHandle; size: number }> {
  if (file.bundleRoot) return openBundleFile(file.bundleRoot, file.name);
  const st = await lstat(file.path);
  if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${file.name} is not a regular file`);
  const handle = await open(file.path, 'r');
  return { handle, size: (await handle.stat()).size };
}

function badLine(file: string, line: number, error: string, text: string): BadLine {
  return { file, line, error, text: text.length > 200 ? `${text.slice(0, 200)}…` : text };
}

/**
 * Streams one file's lines into the sink. A file whose first line is not a whole JSON value but
 * which starts like a JSON document (a pretty-printed OTLP export) is read as one document.
 */
export async function readLogFile(file: LogFile, index: number, sink: LogSink, opts: ReadOptions & { progressBase?: number; totalBytes?: number } = {}): Promise<{ lines: number; badLines: number; lineCount: number }> {
  const opened = await openLogFile(file);
  const st = { size: opened.size };
  let lineNo = 0;
  let records = 0;
  let bad = 0;
  let bytes = 0;
  let firstLine = true;
  let document = false;
  // Lines are cut in bytes (so each line's offset is known: the detail view reads it back), then decoded one by one.
  let rest: Buffer | undefined;
  let restOffset = 0;
  const onLine = (buf: Buffer, start: number, end: number, offset: number) => {
    lineNo++;
    if (end > start && buf[end - 1] === 13) end--;
    if (end === start) return;
    let text = buf.toString('utf8', start, end);
    if (firstLine) {
      firstLine = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const t = text.trim();
      if (t === '{' || t === '[') {
        document = true;
        return;
      }
    }
    let sub = 0;
    const error = parseJsonLine(text, file.service, (rec) => {
      records++;
      sink.onRecord(rec, index, lineNo, offset, sub++);
    });
    if (error && text.trim() !== '') {
      bad++;
      sink.onBadLine?.(badLine(file.name, lineNo, error, text));
    }
  };
  // 256 KiB at a time: between two chunks the process answers other calls (the UI asks for rows while a big file is read)
  const stream = opened.handle.createReadStream({ highWaterMark: 256 << 10, autoClose: true });
  const abort = () => stream.destroy(new WorkbenchError('cancelled', 'reading logs was cancelled'));
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (document) break;
      const base = bytes;
      bytes += chunk.length;
      let start = 0;
      let nl = chunk.indexOf(10);
      if (rest && nl >= 0) {
        // the line that straddles the previous chunk and this one
        const joined = Buffer.concat([rest, chunk.subarray(0, nl)]);
        onLine(joined, 0, joined.length, restOffset);
        rest = undefined;
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl >= 0 && !document) {
        onLine(chunk, start, nl, base + start);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (document) break;
      if (start < chunk.length) {
        if (rest) rest = Buffer.concat([rest, chunk.subarray(start)]);
        else {
          rest = Buffer.from(chunk.subarray(start));
          restOffset = base + start;
        }
      }
      opts.onProgress?.({ bytes: (opts.progressBase ?? 0) + bytes, totalBytes: opts.totalBytes ?? st.size, lines: records, file: file.name });
    }
    if (!document && rest) onLine(rest, 0, rest.length, restOffset);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    stream.destroy();
  }
  if (document) return { ...(await readDocument(file, index, sink)), lineCount: 1 };
  return { lines: records, badLines: bad, lineCount: lineNo };
}

/** A whole-file JSON document: an OTLP/JSON logs export, or an array of log objects. */
async function readDocument(file: LogFile, index: number, sink: LogSink): Promise<{ lines: number; badLines: number }> {
  if (file.bytes > MAX_DOCUMENT_BYTES) {
    throw new WorkbenchError('invalid_argument', `${file.name} is one JSON document of ${file.bytes} bytes; above ${MAX_DOCUMENT_BYTES} bytes write one JSON object a line (JSONL), as the OpenTelemetry collector's file exporter does`);
  }
  let doc: unknown;
  const text = (file.bundleRoot ? await readBundleFile(file.bundleRoot, file.name, { maxBytes: MAX_DOCUMENT_BYTES, encoding: 'utf8' }) : await readFile(file.path, 'utf8')).replace(/^\uFEFF/, '');
  try {
    doc = JSON.parse(text);
  } catch (err) {
    sink.onBadLine?.(badLine(file.name, 1, `not JSON lines, and not one JSON document either (${(err as Error).message})`, text.slice(0, 200)));
    return { lines: 0, badLines: 1 };
  }
  let n = 0;
  if (isOtlpLogs(doc)) {
    for (const rec of recordsFromOtlp(doc, file.service)) {
      sink.onRecord(rec, index, 1, -1, n);
      n++;
    }
  } else if (Array.isArray(doc)) {
    let bad = 0;
    doc.forEach((o, i) => {
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        sink.onRecord(recordFromObject(o as Record<string, unknown>, file.service), index, 1, -1, i);
        n++;
      } else {
        bad++;
        sink.onBadLine?.(badLine(file.name, 1, `element ${i} is not a JSON object`, JSON.stringify(o) ?? ''));
      }
    });
    return { lines: n, badLines: bad };
  } else {
    sink.onBadLine?.(badLine(file.name, 1, 'a JSON document that is neither an OTLP logs export (resourceLogs) nor an array of log objects', text.slice(0, 200)));
    return { lines: 0, badLines: 1 };
  }
  return { lines: n, badLines: 0 };
}

/** Every file in turn, progress counted over all of them. */
export interface ReadSummary {
  /** Records read. */
  lines: number;
  badLines: number;
  /** Names of the files read, in order (a record's `file` indexes this). */
  files: string[];
  /** Lines of each file, blank and bad ones included. */
  lineCounts: number[];
}

/** Every file in turn, progress counted over all of them. */
export async function readLogFiles(files: LogFile[], sink: LogSink, opts: ReadOptions & { firstIndex?: number } = {}): Promise<ReadSummary> {
  const totalBytes = files.reduce((a, f) => a + f.bytes, 0);
  let base = 0;
  let lines = 0;
  let badLines = 0;
  const lineCounts: number[] = [];
  for (const [i, f] of files.entries()) {
    if (opts.signal?.aborted) throw new WorkbenchError('cancelled', 'reading logs was cancelled');
    const index = (opts.firstIndex ?? 0) + i;
    sink.onFile?.(index, f.name);
    const r = await readLogFile(f, index, sink, { ...opts, progressBase: base, totalBytes });
    base += f.bytes;
    lines += r.lines;
    badLines += r.badLines;
    lineCounts.push(r.lineCount);
  }
  return { lines, badLines, files: files.map((f) => f.name), lineCounts };
}

/** Where a running session's OTLP receiver writes the logs it takes (one request per file). */
export function sessionOtlpLogsDir(stateDir: string, session: string): string {
  return join(sessionDirOf(sessionsRoot(stateDir), session), 'otlp-logs');
}

/**
 * A session's logs: every container's output so far (a JSON line is read as a log object, any
 * other line as text, timed by the engine), then what its OTLP receiver took. File index 0 is
 * "containers"; OTLP files follow from 1.
 */
export async function readSessionLogs(opts: { docker: Docker; stateDir: string; session: string } & ReadOptions, sink: LogSink): Promise<ReadSummary> {
  const record = new SessionStore(sessionsRoot(opts.stateDir)).read(opts.session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${opts.session}" (see repro status)`);
  let lines = 0;
  sink.onFile?.(0, 'containers');
  await streamLogs({
    docker: opts.docker,
    stateDir: opts.stateDir,
    session: opts.session,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onLine: (e) => {
      lines++;
      sink.onRecord(containerRecord(e.line, e.ts, e.service, e.stream), 0, lines, -1, 0);
    },
  });
  const otlp = await filesIn(sessionOtlpLogsDir(opts.stateDir, opts.session), 'otlp-logs/');
  const r = await readLogFiles(otlp, sink, { ...opts, firstIndex: 1 });
  return { files: ['containers', ...r.files], lines: lines + r.lines, badLines: r.badLines, lineCounts: [lines, ...r.lineCounts] };
}

/** One line a container wrote: structured when it is a JSON object, text otherwise. */
export function containerRecord(line: string, ts: number, service: string, stream: 'stdout' | 'stderr'): LogRecord {
  if (line.charCodeAt(0) === 123) {
    try {
      const obj = JSON.parse(line) as unknown;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const rec = recordFromObject(obj as Record<string, unknown>, service);
        // the engine's time when the line says none; the container's name is the service
        if (!(rec.ts === rec.ts)) rec.ts = ts;
        return rec;
      }
    } catch {
      // a line that only starts like JSON is text
    }
  }
  return recordFromText(line, ts, service, stream);
}
