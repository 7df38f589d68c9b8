/**
 * Entry point of the importers: parse text, recognise the format from content (never from the
 * file name), and feed every document into one TraceSet.
 */
import { WorkbenchError } from '../api/errors';
import { TraceSetBuilder, type RawStore } from './builder';
import { importJaeger, jaegerTraces } from './import-jaeger';
import { importOtlp, isOtlp } from './import-otlp';
import { importZipkin, zipkinSpans } from './import-zipkin';
import type { TraceFormat, TraceSet } from './model';
import { scanOtlp } from './otlp-scan';
import { appendAll } from '../array';

export interface TraceDocument {
  /** Where it came from (file name), used in messages. */
  name: string;
  doc: unknown;
}

export interface ImportResult {
  set: TraceSet;
  raw: RawStore;
}

/**
 * Parse one file's text. OTLP file exporters write JSON Lines (one request a line); when the
 * whole text is not one JSON document but every line is, each line becomes a document.
 */
export function parseTraceText(name: string, text: string): TraceDocument[] {
  try {
    return [{ name, doc: JSON.parse(text) }];
  } catch (err) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1) {
      const docs: TraceDocument[] = [];
      for (let i = 0; i < lines.length; i++) {
        try {
          docs.push({ name: `${name}:${i + 1}`, doc: JSON.parse(lines[i]!) });
        } catch {
          docs.length = 0;
          break;
        }
      }
      if (docs.length) return docs;
    }
    throw new WorkbenchError('invalid_argument', `${name}: not valid JSON (${(err as Error).message})`, { file: name });
  }
}

/** Strip wrappers that carry no data of their own: Jaeger API v3's {"result": ...}. */
function unwrap(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    if (o.result && typeof o.result === 'object' && isOtlp(o.result)) return o.result;
  }
  return doc;
}

export function detectFormat(doc: unknown): TraceFormat | undefined {
  const d = unwrap(doc);
  if (isOtlp(d)) return 'otlp';
  if (jaegerTraces(d)) return 'jaeger';
  if (zipkinSpans(d)) return 'zipkin';
  return undefined;
}

function describe(doc: unknown): string {
  if (Array.isArray(doc)) return `a JSON array of ${doc.length} items`;
  if (doc && typeof doc === 'object') return `an object with keys ${Object.keys(doc).slice(0, 8).join(', ') || '(none)'}`;
  return `a JSON ${doc === null ? 'null' : typeof doc}`;
}

export interface ImportOptions {
  /** Called between documents (parsing of one document cannot be interrupted). */
  onProgress?: (done: number, total: number, name: string) => void;
  /** Files that could not be parsed (parseTraceFiles' failures), reported like unreadable documents. */
  failures?: WorkbenchError[];
}

/** Import one parsed document; a document in no known format is returned as its failure. */
function importDocument(b: TraceSetBuilder, { name, doc }: TraceDocument): WorkbenchError | undefined {
  const d = unwrap(doc);
  if (isOtlp(d)) return void importOtlp(d, b, name);
  const jt = jaegerTraces(d);
  if (jt) return void importJaeger(jt, b, name);
  const zs = zipkinSpans(d);
  if (zs) return void importZipkin(zs, b, name);
  return new WorkbenchError(
    'invalid_argument',
    `${name}: not OTLP/JSON (resourceSpans), Jaeger JSON ({"data":[...]} or {"spans":[...]}) or Zipkin v2 JSON (array of spans); found ${describe(doc)}`,
    { file: name },
  );
}

/**
 * Parse several files' texts. A file that is not JSON is a failure of that file only: the
 * others still load (a session's OTLP folder may hold one broken file among thousands).
 */
export function parseTraceFiles(files: Iterable<{ name: string; text: string }>): { docs: TraceDocument[]; failures: WorkbenchError[] } {
  const docs: TraceDocument[] = [];
  const failures: WorkbenchError[] = [];
  for (const f of files) {
    try {
      appendAll(docs, parseTraceText(f.name, f.text));
    } catch (err) {
      if (!(err instanceof WorkbenchError)) throw err;
      failures.push(err);
    }
  }
  return { docs, failures };
}

/**
 * Import documents into one TraceSet. A document in no known format is skipped with a warning
 * (so are the files in `failures`); only when nothing at all could be read is the first of those
 * problems thrown, so a single bad file still gets a clear error.
 */
export function importTraceDocuments(docs: TraceDocument[], opts: ImportOptions = {}): ImportResult {
  const b = new TraceSetBuilder();
  const failures = [...(opts.failures ?? [])];
  let imported = 0;
  docs.forEach((doc, i) => {
    opts.onProgress?.(i, docs.length, doc.name);
    const failure = importDocument(b, doc);
    if (failure) failures.push(failure);
    else imported++;
  });
  opts.onProgress?.(docs.length, docs.length, 'indexing');
  return finishImport(b, failures, imported);
}

/** Throws the first failure when nothing was imported; otherwise names the skipped ones first among the warnings. */
function finishImport(b: TraceSetBuilder, failures: WorkbenchError[], imported: number): ImportResult {
  if (failures.length > 0 && imported === 0) throw failures[0]!;
  // Skipped files first: they are what the engineer most needs to see among the warnings.
  b.warnings.unshift(...failures.slice(0, MAX_SKIP_WARNINGS).map((f) => `${f.message}; skipped`));
  if (failures.length > MAX_SKIP_WARNINGS) b.warnings.splice(MAX_SKIP_WARNINGS, 0, `… and ${failures.length - MAX_SKIP_WARNINGS} more unreadable documents skipped`);
  return b.build();
}

/** Skipped documents named one by one in the warnings; beyond, a count. */
const MAX_SKIP_WARNINGS = 100;

/** Parse and import several files' texts into one TraceSet (bad files skipped, see above). */
export function importTraceTexts(files: { name: string; text: string }[], opts: ImportOptions = {}): ImportResult {
  const { docs, failures } = parseTraceFiles(files);
  return importTraceDocuments(docs, { ...opts, failures: [...(opts.failures ?? []), ...failures] });
}

/** V8 cannot hold one string longer than about 512 MiB (2^29 - 24 UTF-16 units). */
export const MAX_TEXT_BYTES = 0x1fffffe8;

export interface BytesImportOptions extends ImportOptions {
  /** Called every few MiB while a file is scanned. */
  onBytes?: (done: number, total: number, name: string) => void;
}

/**
 * Import files given as bytes (UTF-8). OTLP/JSON as exporters write it is scanned straight from
 * the bytes (otlp-scan.ts: faster than JSON.parse, a fraction of its memory, no size limit
 * but the buffer's); anything else is decoded and parsed. The bytes of scanned files stay
 * referenced by the returned raw store, for span details.
 */
export function importTraceBytes(files: { name: string; bytes: Uint8Array }[], opts: BytesImportOptions = {}): ImportResult {
  const b = new TraceSetBuilder();
  const failures = [...(opts.failures ?? [])];
  let imported = 0;
  files.forEach((f, i) => {
    opts.onProgress?.(i, files.length, f.name);
    if (scanOtlp(f.bytes, b, { onProgress: (done, total) => opts.onBytes?.(done, total, f.name) })) return void imported++;
    if (f.bytes.length > MAX_TEXT_BYTES) {
      failures.push(
        new WorkbenchError(
          'invalid_argument',
          `${f.name} is ${f.bytes.length} bytes and not OTLP/JSON as exporters write it; other trace files can be at most ${MAX_TEXT_BYTES} bytes (split it)`,
          { file: f.name },
        ),
      );
      return;
    }
    const { docs, failures: unparsed } = parseTraceFiles([{ name: f.name, text: utf8.decode(f.bytes) }]);
    appendAll(failures, unparsed);
    for (const doc of docs) {
      const failure = importDocument(b, doc);
      if (failure) failures.push(failure);
      else imported++;
    }
  });
  opts.onProgress?.(files.length, files.length, 'indexing');
  return finishImport(b, failures, imported);
}

const utf8 = new TextDecoder();
