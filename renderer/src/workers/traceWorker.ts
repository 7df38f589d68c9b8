/// <reference lib="webworker" />
/**
 * Parses trace files off the UI thread with shared/traces. The worker keeps the raw records
 * (for span details and attribute search) and posts the columnar TraceSet to the page once,
 * transferring its typed arrays instead of copying them. Files are read as bytes: OTLP/JSON is
 * scanned straight from them (no string, no object tree: a 1M-span file fits, with progress),
 * other formats are decoded and parsed.
 */
import { importTraceBytes } from '../../../shared/traces/detect';
import type { RawStore } from '../../../shared/traces/builder';
import { spanDetail } from '../../../shared/traces/detail';
import type { TraceSet } from '../../../shared/traces/model';
import { searchTraces } from '../../../shared/traces/search';
import { summarize } from '../../../shared/traces/summary';
import type { WorkerIn, WorkerOut } from '../traces/protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Each file's content: text chunks streamed from the API, or the bytes of a picked file. */
const files = new Map<string, string[] | Uint8Array>();
let set: TraceSet | undefined;
let raw: RawStore | undefined;

function post(msg: WorkerOut, transfer: Transferable[] = []) {
  self.postMessage(msg, transfer);
}

let readMs = 0;
async function readFile(file: File) {
  const started = performance.now();
  post({ type: 'progress', label: `Reading ${file.name}`, done: 0, total: file.size, unit: 'bytes' });
  // One native read is several times faster than streaming chunks through JS.
  files.set(file.name, new Uint8Array(await file.arrayBuffer()));
  post({ type: 'progress', label: `Read ${file.name}`, done: file.size, total: file.size, unit: 'bytes' });
  readMs = Math.round(performance.now() - started);
}

function finish() {
  const phases: Record<string, number> = { read: readMs };
  let t0 = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - t0);
    t0 = now;
  };
  const names = [...files.keys()];
  const encoder = new TextEncoder();
  const inputs = names.map((name) => {
    const content = files.get(name)!;
    files.delete(name);
    return { name, bytes: content instanceof Uint8Array ? content : encoder.encode(content.join('')) };
  });
  lap('encode');
  let lastPost = 0;
  const result = importTraceBytes(inputs, {
    onProgress: (done, total, name) => post({ type: 'progress', label: done < total ? `Importing ${name}` : 'Indexing spans', done, total, unit: 'files' }),
    onBytes: (done, total, name) => {
      const now = performance.now();
      if (now - lastPost < 50) return;
      lastPost = now;
      post({ type: 'progress', label: `Reading spans of ${name}`, done, total, unit: 'bytes' });
    },
  });
  set = result.set;
  raw = result.raw;
  lap('import');
  const summary = summarize(set);
  lap('summary');
  // The page gets copies of the typed arrays (a memcpy each), transferred rather than cloned;
  // the worker keeps its own for details and searches.
  const transfer: Transferable[] = [];
  const copy = <A extends Int32Array | Float64Array | Uint8Array>(a: A): A => {
    const c = a.slice() as A;
    transfer.push(c.buffer as ArrayBuffer);
    return c;
  };
  const forPage: TraceSet = {
    ...set,
    traces: set.traces.map((t) => ({
      ...t,
      // Only span details use the parent IDs as given, and details come from this worker.
      parentSpanId: [],
      parent: copy(t.parent),
      start: copy(t.start),
      end: copy(t.end),
      service: copy(t.service),
      name: copy(t.name),
      kind: copy(t.kind),
      flags: copy(t.flags),
      depth: copy(t.depth),
      childOffset: copy(t.childOffset),
      childList: copy(t.childList),
      roots: copy(t.roots),
      source: copy(t.source),
    })),
  };
  lap('copy');
  post({ type: 'loaded', set: forPage, summary, phases }, transfer);
}

// Messages are handled one after another: reading a File is asynchronous, and 'end' must not
// overtake it.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<WorkerIn>) => {
  queue = queue.then(() => handle(e.data));
};

post({ type: 'ready' });

async function handle(msg: WorkerIn): Promise<void> {
  try {
    switch (msg.type) {
      case 'chunk': {
        let parts = files.get(msg.file);
        if (!Array.isArray(parts)) files.set(msg.file, (parts = []));
        parts.push(msg.text);
        return;
      }
      case 'file':
        await readFile(msg.file);
        return;
      case 'end':
        finish();
        return;
      case 'detail':
        if (!set || !raw) throw new Error('no traces loaded');
        post({ type: 'reply', id: msg.id, result: spanDetail(set, raw, msg.trace, msg.span) });
        return;
      case 'search':
        if (!set || !raw) throw new Error('no traces loaded');
        post({ type: 'reply', id: msg.id, result: searchTraces(set, raw, msg.query, msg.sort, msg.descending) });
        return;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if ('id' in msg) post({ type: 'reply', id: msg.id, error: message });
    else post({ type: 'error', message });
  }
}
