/**
 * Collects spans from any importer into flat columns, then builds the per-trace columnar
 * model: groups by trace ID, resolves parents, repairs missing times, numbers spans in start
 * order and lays out children lists.
 *
 * Importers push one span at a time with `add` (no per-span object is kept besides the raw
 * reference they hand in), so the cost on top of JSON.parse stays small for 500k spans.
 */
import { SpanFlag, type Trace, type TraceFormat, type TraceSet } from './model';

/** Where the details of one input span live: the raw span plus its context (resource, process). */
export interface RawContext {
  format: TraceFormat;
  /** OTLP: the resourceSpans entry's resource; Jaeger: the process; Zipkin: unused. */
  resource?: unknown;
  /** OTLP: the scope. */
  scope?: unknown;
  /** Jaeger API: trace-level processes map, for processID lookups. */
  processes?: Record<string, unknown>;
}

/** Kept next to a TraceSet on the side that parsed it; never posted to the UI thread. */
export interface RawStore {
  /** Per record: the raw span object (Zipkin: the array of fragments merged into it). */
  span: unknown[];
  /** Per record: index into `contexts`. */
  context: number[];
  contexts: RawContext[];
  /** traceId -> set of span IDs, to tell whether a link points inside the set; filled on first use. */
  spanIdsByTrace: Map<string, Set<string>>;
}

export interface AddSpan {
  traceId: string;
  spanId: string;
  /** '' for none. */
  parentId: string;
  service: string;
  name: string;
  kind: number;
  /** Integer microseconds since the epoch, or NaN when the input has no start. */
  startUs: number;
  /** Nanoseconds beyond startUs (0..999). */
  startNs: number;
  /** Microseconds (may be fractional), or NaN when the input has no duration. */
  durationUs: number;
  /** SpanFlag bits known at import time (Error, FollowsFrom, Shared). */
  flags: number;
  raw: unknown;
  context: number;
}

export class TraceSetBuilder {
  private readonly serviceIndex = new Map<string, number>();
  private readonly nameIndex = new Map<string, number>();
  readonly services: string[] = [];
  readonly names: string[] = [];
  readonly warnings: string[] = [];
  readonly formats = new Set<TraceFormat>();
  inputSpanObjects = 0;

  private readonly traceOf: string[] = [];
  private readonly spanId: string[] = [];
  private readonly parentId: string[] = [];
  private readonly service: number[] = [];
  private readonly name: number[] = [];
  private readonly kind: number[] = [];
  private readonly startUs: number[] = [];
  private readonly startNs: number[] = [];
  private readonly durationUs: number[] = [];
  private readonly flags: number[] = [];
  readonly raw: RawStore = { span: [], context: [], contexts: [], spanIdsByTrace: new Map() };

  addContext(ctx: RawContext): number {
    this.formats.add(ctx.format);
    this.raw.contexts.push(ctx);
    return this.raw.contexts.length - 1;
  }

  private lastService = '\u0000';
  private lastServiceIndex = -1;
  private lastName = '\u0000';
  private lastNameIndex = -1;

  internService(s: string): number {
    // Spans arrive grouped by resource, so the service repeats: skip hashing it again.
    if (s === this.lastService) return this.lastServiceIndex;
    this.lastService = s;
    return (this.lastServiceIndex = this.internServiceSlow(s));
  }

  private internServiceSlow(s: string): number {
    let i = this.serviceIndex.get(s);
    if (i === undefined) {
      i = this.services.length;
      this.services.push(s);
      this.serviceIndex.set(s, i);
    }
    return i;
  }

  internName(s: string): number {
    if (s === this.lastName) return this.lastNameIndex;
    this.lastName = s;
    return (this.lastNameIndex = this.internNameSlow(s));
  }

  private internNameSlow(s: string): number {
    let i = this.nameIndex.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.nameIndex.set(s, i);
    }
    return i;
  }

  add(s: AddSpan): void {
    this.traceOf.push(s.traceId);
    this.spanId.push(s.spanId);
    this.parentId.push(s.parentId === s.spanId && !(s.flags & SpanFlag.Shared) ? '' : s.parentId);
    this.service.push(this.internService(s.service));
    this.name.push(this.internName(s.name));
    this.kind.push(s.kind);
    this.startUs.push(s.startUs);
    this.startNs.push(s.startNs);
    this.durationUs.push(s.durationUs);
    this.flags.push(s.flags);
    this.raw.span.push(s.raw);
    this.raw.context.push(s.context);
  }

  get recordCount(): number {
    return this.spanId.length;
  }

  build(): { set: TraceSet; raw: RawStore } {
    const groups = new Map<string, number[]>();
    let lastT = '';
    let g: number[] | undefined;
    for (let r = 0; r < this.traceOf.length; r++) {
      const t = this.traceOf[r]!;
      // Spans of one trace usually come together: skip the map lookup while the ID repeats.
      if (t !== lastT || !g) {
        g = groups.get(t);
        if (!g) groups.set(t, (g = []));
        lastT = t;
      }
      g.push(r);
    }
    const traces: Trace[] = [];
    for (const [traceId, records] of groups) {
      traces.push(this.buildTrace(traceId, records));
    }
    // Earliest trace first: the natural order of a trace list.
    traces.sort((a, b) => compareDecimal(a.startUnixNs, b.startUnixNs));
    const set: TraceSet = {
      formats: [...this.formats],
      services: this.services,
      names: this.names,
      traces,
      inputSpanObjects: this.inputSpanObjects,
      warnings: this.warnings,
    };
    return { set, raw: this.raw };
  }

  private buildTrace(traceId: string, records: number[]): Trace {
    const n = records.length;
    // Local index l refers to records[l] until the final renumbering.
    const parent = new Int32Array(n).fill(-1);
    const flags = new Uint8Array(n);
    const plain = new Map<string, number>(); // span ID -> first non-shared span
    const shared = new Map<string, number[]>(); // span ID -> shared (Zipkin server) spans
    for (let l = 0; l < n; l++) {
      const r = records[l]!;
      flags[l] = this.flags[r]!;
      const id = this.spanId[r]!;
      if (flags[l]! & SpanFlag.Shared) {
        const list = shared.get(id);
        if (list) list.push(l);
        else shared.set(id, [l]);
      } else if (!plain.has(id)) {
        plain.set(id, l);
      } else {
        this.warnings.push(`trace ${traceId}: span ID ${id} occurs more than once; children attach to the first`);
      }
    }
    for (let l = 0; l < n; l++) {
      const r = records[l]!;
      const id = this.spanId[r]!;
      const pid = this.parentId[r]!;
      let p = -1;
      if (flags[l]! & SpanFlag.Shared) {
        // The parent of a server half is the client half with the same ID (Zipkin's rule).
        p = plain.get(id) ?? -1;
      }
      if (p < 0 && pid !== '') {
        // A child of an RPC usually runs in the server's process: prefer the shared server half
        // with the same service, then the plain span, then any shared half.
        const candidates = shared.size ? shared.get(pid) : undefined;
        if (candidates) {
          const svc = this.service[r]!;
          for (const c of candidates) if (this.service[records[c]!]! === svc) p = c;
        }
        if (p < 0) p = plain.get(pid) ?? candidates?.[0] ?? -1;
        if (p === l) p = -1;
        if (p < 0) flags[l]! |= SpanFlag.Orphan;
      }
      parent[l] = p;
    }

    const depth = computeDepths(parent, (l) => {
      this.warnings.push(`trace ${traceId}: parent cycle through span ${this.spanId[records[l]!]}; cut there`);
    });

    // Times: base = earliest known start; spans without start sit at their parent's start.
    let baseUs = Infinity;
    let baseNs = 0;
    for (const r of records) {
      const us = this.startUs[r]!;
      if (us < baseUs || (us === baseUs && this.startNs[r]! < baseNs)) {
        baseUs = us;
        baseNs = this.startNs[r]!;
      }
    }
    if (baseUs === Infinity) {
      baseUs = 0;
      baseNs = 0;
    }
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const byDepth = orderByDepth(depth);
    for (const l of byDepth) {
      const r = records[l]!;
      const us = this.startUs[r]!;
      if (Number.isNaN(us)) {
        flags[l]! |= SpanFlag.NoTimestamp;
        start[l] = parent[l]! >= 0 ? start[parent[l]!]! : 0;
      } else {
        start[l] = us - baseUs + (this.startNs[r]! - baseNs) / 1000;
      }
      const d = this.durationUs[r]!;
      if (Number.isNaN(d) || d < 0) {
        flags[l]! |= SpanFlag.NoDuration;
        end[l] = start[l]!;
      } else {
        end[l] = start[l]! + d;
      }
    }

    // Number spans in start order; ties: shallower first, then by span ID (so the order does
    // not depend on how a format happened to list spans), then input order.
    const sid = (l: number) => this.spanId[records[l]!]!;
    const order = startOrder(start, (a, b) => start[a]! - start[b]! || depth[a]! - depth[b]! || (sid(a) < sid(b) ? -1 : sid(a) > sid(b) ? 1 : a - b));
    const newIndex = new Int32Array(n);
    for (let i = 0; i < n; i++) newIndex[order[i]!] = i;

    const t: Trace = {
      traceId,
      startUnixNs: (BigInt(baseUs) * 1000n + BigInt(baseNs)).toString(),
      durationUs: 0,
      spanCount: n,
      spanId: new Array<string>(n),
      parentSpanId: new Array<string>(n),
      parent: new Int32Array(n),
      start: new Float64Array(n),
      end: new Float64Array(n),
      service: new Int32Array(n),
      name: new Int32Array(n),
      kind: new Uint8Array(n),
      flags: new Uint8Array(n),
      depth: new Int32Array(n),
      childOffset: new Int32Array(n + 1),
      childList: new Int32Array(n),
      roots: new Int32Array(0),
      source: new Int32Array(n),
      errorCount: 0,
    };
    let maxEnd = 0;
    let rootCount = 0;
    for (let i = 0; i < n; i++) {
      const l = order[i]!;
      const r = records[l]!;
      t.spanId[i] = this.spanId[r]!;
      t.parentSpanId[i] = this.parentId[r]!;
      const p = parent[l]!;
      t.parent[i] = p >= 0 ? newIndex[p]! : -1;
      if (p < 0) rootCount++;
      t.start[i] = start[l]!;
      t.end[i] = end[l]!;
      if (end[l]! > maxEnd) maxEnd = end[l]!;
      t.service[i] = this.service[r]!;
      t.name[i] = this.name[r]!;
      t.kind[i] = this.kind[r]!;
      t.flags[i] = flags[l]!;
      if (flags[l]! & SpanFlag.Error) t.errorCount++;
      t.depth[i] = depth[l]!;
      t.source[i] = r;
    }
    t.durationUs = maxEnd;
    // Children lists (CSR). Filling in index order keeps each list in start order.
    for (let i = 0; i < n; i++) {
      const p = t.parent[i]!;
      if (p >= 0) t.childOffset[p + 1]!++;
    }
    for (let i = 0; i < n; i++) t.childOffset[i + 1]! += t.childOffset[i]!;
    const fill = t.childOffset.slice(0, n);
    t.roots = new Int32Array(rootCount);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const p = t.parent[i]!;
      if (p >= 0) t.childList[fill[p]!++] = i;
      else t.roots[k++] = i;
    }
    return t;
  }
}

/** Depth of each node; a node on a parent cycle is made a root (and reported). */
function computeDepths(parent: Int32Array, onCycle: (l: number) => void): Int32Array {
  const n = parent.length;
  const depth = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  for (let l = 0; l < n; l++) {
    if (depth[l]! >= 0) continue;
    let cur = l;
    while (cur >= 0 && depth[cur]! < 0) {
      if (onStack[cur]) {
        onCycle(cur);
        parent[cur] = -1;
        break;
      }
      onStack[cur] = 1;
      stack.push(cur);
      cur = parent[cur]!;
    }
    while (stack.length) {
      const x = stack.pop()!;
      onStack[x] = 0;
      const p = parent[x]!;
      depth[x] = p >= 0 ? depth[p]! + 1 : 0;
    }
  }
  return depth;
}

/**
 * Indices sorted by start time, ties broken by `cmp`. A comparator sort costs about 2 µs per
 * span at 100k spans, so the common case packs (start in ns, index) into 64-bit integers and
 * lets the engine's native numeric sort order them; runs of equal start are then sorted with
 * `cmp`. Traces longer than ~2.4 h or with more than 2M spans use the comparator directly.
 */
function startOrder(start: Float64Array, cmp: (a: number, b: number) => number): Int32Array {
  const n = start.length;
  const order = new Int32Array(n);
  const IDX_BITS = 21;
  let max = 0;
  for (let l = 0; l < n; l++) if (start[l]! > max) max = start[l]!;
  let min = 0;
  for (let l = 0; l < n; l++) if (start[l]! < min) min = start[l]!;
  if (n >= 2 ** IDX_BITS || min < 0 || max * 1000 >= 2 ** 43 || typeof BigUint64Array === 'undefined') {
    for (let l = 0; l < n; l++) order[l] = l;
    return order.sort(cmp);
  }
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer); // little-endian: [lo, hi] per key
  const q = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    const ns = Math.round(start[l]! * 1000);
    q[l] = ns;
    words[2 * l] = (ns % 2048) * 2 ** IDX_BITS + l;
    words[2 * l + 1] = Math.floor(ns / 2048);
  }
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    // Big-endian engine (none we ship on): keep it simple and correct.
    for (let l = 0; l < n; l++) order[l] = l;
    return order.sort(cmp);
  }
  keys.sort();
  const mask = 2 ** IDX_BITS - 1;
  for (let i = 0; i < n; i++) order[i] = words[2 * i]! & mask;
  // Equal starts (after rounding to ns) are sorted with the full comparator.
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && q[order[j]!] === q[order[i]!]) j++;
    if (j - i > 1) order.subarray(i, j).sort(cmp);
    i = j;
  }
  return order;
}

/** Indices ordered by depth (counting sort: linear, no comparator calls). */
function orderByDepth(depth: Int32Array): Int32Array {
  let max = 0;
  for (const d of depth) if (d > max) max = d;
  const offset = new Int32Array(max + 2);
  for (const d of depth) offset[d + 1]!++;
  for (let d = 0; d <= max; d++) offset[d + 1]! += offset[d]!;
  const order = new Int32Array(depth.length);
  for (let i = 0; i < depth.length; i++) order[offset[depth[i]!]!++] = i;
  return order;
}

/** Compare non-negative decimal integer strings. */
export function compareDecimal(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
