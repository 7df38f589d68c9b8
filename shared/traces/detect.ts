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
}

function importDocument(b: TraceSetBuilder, { name, doc }: TraceDocument): void {
  const d = unwrap(doc);
  if (isOtlp(d)) return importOtlp(d, b, name);
  const jt = jaegerTraces(d);
  if (jt) return importJaeger(jt, b, name);
  const zs = zipkinSpans(d);
  if (zs) return importZipkin(zs, b, name);
  throw new WorkbenchError(
    'invalid_argument',
    `${name}: not OTLP/JSON (resourceSpans), Jaeger JSON ({"data":[...]} or {"spans":[...]}) or Zipkin v2 JSON (array of spans); found ${describe(doc)}`,
    { file: name },
  );
}

export function importTraceDocuments(docs: TraceDocument[], opts: ImportOptions = {}): ImportResult {
  const b = new TraceSetBuilder();
  docs.forEach((doc, i) => {
    opts.onProgress?.(i, docs.length, doc.name);
    importDocument(b, doc);
  });
  opts.onProgress?.(docs.length, docs.length, 'indexing');
  return b.build();
}

/** Parse and import several files' texts into one TraceSet. */
export function importTraceTexts(files: { name: string; text: string }[], opts: ImportOptions = {}): ImportResult {
  const docs: TraceDocument[] = [];
  for (const f of files) docs.push(...parseTraceText(f.name, f.text));
  return importTraceDocuments(docs, opts);
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
  files.forEach((f, i) => {
    opts.onProgress?.(i, files.length, f.name);
    if (scanOtlp(f.bytes, b, { onProgress: (done, total) => opts.onBytes?.(done, total, f.name) })) return;
    if (f.bytes.length > MAX_TEXT_BYTES) {
      throw new WorkbenchError(
        'invalid_argument',
        `${f.name} is ${f.bytes.length} bytes and not OTLP/JSON as exporters write it; other trace files can be at most ${MAX_TEXT_BYTES} bytes (split it)`,
        { file: f.name },
      );
    }
    for (const doc of parseTraceText(f.name, utf8.decode(f.bytes))) importDocument(b, doc);
  });
  opts.onProgress?.(files.length, files.length, 'indexing');
  return b.build();
}

const utf8 = new TextDecoder();
