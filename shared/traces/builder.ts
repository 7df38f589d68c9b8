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

/**
 * Spans read straight from bytes by the OTLP scanner are not kept as objects: their raw object is
 * the JSON text at a byte range of the file, parsed when its details are asked for.
 */
export interface ScannedSpans {
  /** The files' bytes, kept for details. */
  sources: Uint8Array[];
  /** Per record: index into `sources`, or -1 for a record that holds its raw object. */
  source: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

/** Kept next to a TraceSet on the side that parsed it; never posted to the UI thread. */
export interface RawStore {
  /** Per record: the raw span object (Zipkin: the array of fragments merged into it); a hole for a scanned span. */
  span: unknown[];
  /** Where scanned spans' raw objects are (see rawSpan). */
  scanned?: ScannedSpans;
  /** Per record: index into `contexts`. */
  context: Int32Array;
  contexts: RawContext[];
  /** traceId -> set of span IDs, to tell whether a link points inside the set; filled on first use. */
  spanIdsByTrace: Map<string, Set<string>>;
}

/** The raw object of one record, parsing a scanned span's JSON text on first use. */
export function rawSpan(raw: RawStore, rec: number): unknown {
  const sc = raw.scanned;
  const src = sc ? sc.source[rec]! : -1;
  if (src < 0) return raw.span[rec];
  return JSON.parse(utf8.decode(sc!.sources[src]!.subarray(sc!.start[rec]!, sc!.end[rec]!)));
}

const utf8 = new TextDecoder();

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

/** How far a builder had got, to undo an import that turned out not to apply (see rollback). */
export interface BuilderCheckpoint {
  records: number;
  services: number;
  names: number;
  contexts: number;
  warnings: number;
  formats: TraceFormat[];
  inputSpanObjects: number;
  sources: number;
}

function grown<A extends Int32Array | Float64Array | Uint8Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
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
  // Numeric columns grow by doubling (no per-span object, no per-push bookkeeping).
  private n = 0;
  private cap = 1024;
  private service = new Int32Array(this.cap);
  private name = new Int32Array(this.cap);
  private kind = new Uint8Array(this.cap);
  private startUs = new Float64Array(this.cap);
  private startNs = new Float64Array(this.cap);
  private durationUs = new Float64Array(this.cap);
  private flags = new Uint8Array(this.cap);
  private context = new Int32Array(this.cap);
  private scanSource = new Int32Array(this.cap).fill(-1);
  private scanStart = new Float64Array(this.cap);
  private scanEnd = new Float64Array(this.cap);
  private readonly sources: Uint8Array[] = [];
  readonly raw: RawStore = { span: [], context: new Int32Array(0), contexts: [], spanIdsByTrace: new Map() };

  private grow(): void {
    const cap = this.cap * 2;
    this.service = grown(this.service, cap);
    this.name = grown(this.name, cap);
    this.kind = grown(this.kind, cap);
    this.startUs = grown(this.startUs, cap);
    this.startNs = grown(this.startNs, cap);
    this.durationUs = grown(this.durationUs, cap);
    this.flags = grown(this.flags, cap);
    this.context = grown(this.context, cap);
    const src = new Int32Array(cap).fill(-1);
    src.set(this.scanSource);
    this.scanSource = src;
    this.scanStart = grown(this.scanStart, cap);
    this.scanEnd = grown(this.scanEnd, cap);
    this.cap = cap;
  }

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

  /** The bytes a scanner reads spans from; returns its index for addScanned. */
  addSource(bytes: Uint8Array): number {
    this.sources.push(bytes);
    return this.sources.length - 1;
  }

  /**
   * A span read by a scanner: the same columns as add(), with its raw object left as the bytes
   * [start, end) of source `source` (one call per span, no per-span object). `service` and
   * `name` are indices from internService / internName.
   */
  addScanned(traceId: string, spanId: string, parentId: string, service: number, name: number, kind: number, startUs: number, startNs: number, durationUs: number, flags: number, context: number, source: number, start: number, end: number): void {
    const r = this.n;
    if (r === this.cap) this.grow();
    this.traceOf.push(traceId);
    this.spanId.push(spanId);
    this.parentId.push(parentId === spanId ? '' : parentId);
    this.service[r] = service;
    this.name[r] = name;
    this.kind[r] = kind;
    this.startUs[r] = startUs;
    this.startNs[r] = startNs;
    this.durationUs[r] = durationUs;
    this.flags[r] = flags;
    this.context[r] = context;
    this.scanSource[r] = source;
    this.scanStart[r] = start;
    this.scanEnd[r] = end;
    this.n = r + 1;
  }

  add(s: AddSpan): void {
    const r = this.n;
    if (r === this.cap) this.grow();
    this.traceOf.push(s.traceId);
    this.spanId.push(s.spanId);
    this.parentId.push(s.parentId === s.spanId && !(s.flags & SpanFlag.Shared) ? '' : s.parentId);
    this.service[r] = this.internService(s.service);
    this.name[r] = this.internName(s.name);
    this.kind[r] = s.kind;
    this.startUs[r] = s.startUs;
    this.startNs[r] = s.startNs;
    this.durationUs[r] = s.durationUs;
    this.flags[r] = s.flags;
    this.context[r] = s.context;
    this.raw.span[r] = s.raw;
    this.n = r + 1;
  }

  checkpoint(): BuilderCheckpoint {
    return {
      records: this.n,
      services: this.services.length,
      names: this.names.length,
      contexts: this.raw.contexts.length,
      warnings: this.warnings.length,
      formats: [...this.formats],
      inputSpanObjects: this.inputSpanObjects,
      sources: this.sources.length,
    };
  }

  /** Forget everything added since `cp`, as if it had never been. */
  rollback(cp: BuilderCheckpoint): void {
    const n = cp.records;
    this.traceOf.length = this.spanId.length = this.parentId.length = n;
    if (this.raw.span.length > n) this.raw.span.length = n;
    this.scanSource.fill(-1, n, this.n);
    this.n = n;
    this.sources.length = cp.sources;
    for (const s of this.services.splice(cp.services)) this.serviceIndex.delete(s);
    for (const s of this.names.splice(cp.names)) this.nameIndex.delete(s);
    this.lastService = this.lastName = '\u0000';
    this.raw.contexts.length = cp.contexts;
    this.warnings.length = cp.warnings;
    this.formats.clear();
    for (const f of cp.formats) this.formats.add(f);
    this.inputSpanObjects = cp.inputSpanObjects;
  }

  get recordCount(): number {
    return this.n;
  }

  build(): { set: TraceSet; raw: RawStore } {
    const groups = new Map<string, number[]>();
    let lastT = '';
    let g: number[] | undefined;
    const total = this.n;
    this.raw.context = this.context.subarray(0, total);
    if (this.sources.length) {
      this.raw.scanned = { sources: this.sources, source: this.scanSource.subarray(0, total), start: this.scanStart.subarray(0, total), end: this.scanEnd.subarray(0, total) };
    }
    for (let r = 0; r < total; r++) {
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
    let n = records.length;
    // Local index l refers to records[l] until the final renumbering.
    let parent = new Int32Array(n).fill(-1);
    let flags = new Uint8Array(n);
    for (let l = 0; l < n; l++) flags[l] = this.flags[records[l]!]!;
    let reused = this.link(records, flags, parent);
    if (reused.length) {
      // Rare: a span ID seen twice. Exact copies go (they have no children: those attach to the
      // first), so the kept spans keep their parents, renumbered.
      const drop = this.exactCopies(traceId, records, reused);
      if (drop) {
        const at = new Int32Array(n);
        let m = 0;
        for (let l = 0; l < n; l++) at[l] = drop[l] ? -1 : m++;
        const keptRecords = new Array<number>(m);
        const keptParent = new Int32Array(m);
        const keptFlags = new Uint8Array(m);
        for (let l = 0; l < n; l++) {
          const k = at[l]!;
          if (k < 0) continue;
          keptRecords[k] = records[l]!;
          keptParent[k] = parent[l]! >= 0 ? at[parent[l]!]! : -1;
          keptFlags[k] = flags[l]!;
        }
        const keptReused: number[] = [];
        for (let k = 0; k < reused.length; k += 2) if (!drop[reused[k]!]) keptReused.push(at[reused[k]!]!, at[reused[k + 1]!]!);
        records = keptRecords;
        parent = keptParent;
        flags = keptFlags;
        reused = keptReused;
        n = m;
      }
      for (let k = 0; k < reused.length; k += 2) {
        const l = reused[k]!;
        flags[l]! |= SpanFlag.DuplicateId;
        this.warnings.push(`trace ${traceId}: span ID ${this.spanId[records[l]!]} occurs more than once with different content; children attach to the first`);
      }
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

  /**
   * Resolves parents; returns the spans whose ID an earlier span of the trace already has, as
   * flat pairs [local index, local index of the first], in input order (usually none).
   */
  private link(records: number[], flags: Uint8Array, parent: Int32Array): number[] {
    const reused: number[] = [];
    if (!this.linkByHexIds(records, flags, parent, reused)) this.linkByMap(records, flags, parent, reused);
    return reused;
  }

  /**
   * Which spans (local indices) are exact copies of an earlier span with the same ID (an
   * exporter's retry posted twice, one span in two files), with one warning per trace naming a
   * span and how many copies go; undefined when there are none.
   */
  private exactCopies(traceId: string, records: number[], reused: number[]): Uint8Array | undefined {
    const drop = new Uint8Array(records.length);
    const copiesOf = new Int32Array(records.length); // kept span -> copies dropped
    const differing = new Map<number, number[]>(); // first -> later spans kept (different content)
    let spans = 0;
    let total = 0;
    let example = -1;
    for (let k = 0; k < reused.length; k += 2) {
      const l = reused[k]!;
      const first = reused[k + 1]!;
      const others = differing.get(first);
      let same = this.sameSpan(records[l]!, records[first]!) ? first : -1;
      if (same < 0 && others) same = others.find((o) => this.sameSpan(records[l]!, records[o]!)) ?? -1;
      if (same >= 0) {
        drop[l] = 1;
        total++;
        if (copiesOf[same]!++ === 0) spans++;
        if (example < 0) example = same;
      } else if (others) others.push(l);
      else differing.set(first, [l]);
    }
    if (total === 0) return undefined;
    const id = this.spanId[records[example]!]!;
    const copies = (c: number) => `${c} ${c === 1 ? 'copy' : 'copies'}`;
    this.warnings.push(
      spans === 1
        ? `trace ${traceId}: span ${id} appears ${total + 1} times with the same content (an exporter's retry, or one span in two files); counted once, ${copies(total)} dropped`
        : `trace ${traceId}: ${spans} spans appear more than once with the same content (an exporter's retry, or one span in two files); each counted once, ${copies(total)} dropped (e.g. span ${id}: ${copies(copiesOf[example]!)})`,
    );
    return drop;
  }

  /** Whether two records are the same span: same columns, same raw span and same resource/scope/process. */
  private sameSpan(a: number, b: number): boolean {
    if (
      this.parentId[a] !== this.parentId[b] ||
      this.service[a] !== this.service[b] ||
      this.name[a] !== this.name[b] ||
      this.kind[a] !== this.kind[b] ||
      this.flags[a] !== this.flags[b] ||
      !Object.is(this.startUs[a], this.startUs[b]) ||
      this.startNs[a] !== this.startNs[b] ||
      !Object.is(this.durationUs[a], this.durationUs[b])
    ) {
      return false;
    }
    // Scanned spans: equal bytes settle it; otherwise (other spacing, or a parsed object) compare as JSON.
    const sa = this.scanSource[a]!;
    const sb = this.scanSource[b]!;
    const sameText = sa >= 0 && sb >= 0 && sameBytes(this.sources[sa]!.subarray(this.scanStart[a]!, this.scanEnd[a]!), this.sources[sb]!.subarray(this.scanStart[b]!, this.scanEnd[b]!));
    if (!sameText && JSON.stringify(rawSpan(this.raw, a)) !== JSON.stringify(rawSpan(this.raw, b))) return false;
    const ca = this.context[a]!;
    const cb = this.context[b]!;
    if (ca === cb) return true;
    const contextOf = (c: number, r: number) => {
      const ctx = this.raw.contexts[c]!;
      const processId = ctx.processes ? (rawSpan(this.raw, r) as { processID?: unknown } | undefined)?.processID : undefined;
      return JSON.stringify([ctx.format, ctx.resource, ctx.scope, typeof processId === 'string' ? ctx.processes![processId] : undefined]);
    };
    // A whole request posted twice compares the same two contexts for every span: remember the
    // answer (not for Jaeger, whose span picks its process from the context by ID).
    const cacheable = !this.raw.contexts[ca]!.processes && !this.raw.contexts[cb]!.processes && ca < 2 ** 21 && cb < 2 ** 21;
    const key = ca * 2 ** 32 + cb;
    const known = cacheable ? this.sameContext.get(key) : undefined;
    if (known !== undefined) return known;
    const same = contextOf(ca, a) === contextOf(cb, b);
    if (cacheable) this.sameContext.set(key, same);
    return same;
  }

  /** sameSpan's answers for pairs of contexts (see there). */
  private readonly sameContext = new Map<number, boolean>();

  /**
   * Parents by span ID, the general way: any ID strings, Zipkin's shared span IDs (the server
   * half of an RPC carries the client's span ID).
   */
  private linkByMap(records: number[], flags: Uint8Array, parent: Int32Array, reused: number[]): void {
    const n = records.length;
    const plain = new Map<string, number>(); // span ID -> first non-shared span
    const shared = new Map<string, number[]>(); // span ID -> shared (Zipkin server) spans
    for (let l = 0; l < n; l++) {
      const id = this.spanId[records[l]!]!;
      if (flags[l]! & SpanFlag.Shared) {
        const list = shared.get(id);
        if (list) list.push(l);
        else shared.set(id, [l]);
      } else {
        const first = plain.get(id);
        if (first === undefined) plain.set(id, l);
        else reused.push(l, first);
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
  }

  /**
   * Parents by span ID when every span ID of the trace is 16 lower-case hex digits and none is
   * shared (OTLP, Jaeger): the IDs become two 32-bit numbers in an open-addressing table, several
   * times quicker than a Map of strings at 500k spans. Returns false (nothing changed) otherwise.
   */
  private linkByHexIds(records: number[], flags: Uint8Array, parent: Int32Array, reused: number[]): boolean {
    const n = records.length;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let l = 0; l < n; l++) {
      if (flags[l]! & SpanFlag.Shared || !hexHalves(this.spanId[records[l]!]!, hi, lo, l)) return false;
    }
    let size = 16;
    while (size < n * 2) size *= 2;
    const mask = size - 1;
    const table = new Int32Array(size).fill(-1);
    const slot = (h: number, w: number): number => {
      let x = Math.imul(w ^ Math.imul(h, 0x9e3779b1), 0x85ebca6b);
      x ^= x >>> 15;
      let i = x & mask;
      for (;;) {
        const at = table[i]!;
        if (at < 0 || (hi[at] === h && lo[at] === w)) return i;
        i = (i + 1) & mask;
      }
    };
    for (let l = 0; l < n; l++) {
      const i = slot(hi[l]!, lo[l]!);
      if (table[i]! < 0) table[i] = l;
      else reused.push(l, table[i]!);
    }
    const ph = new Uint32Array(1);
    const pl = new Uint32Array(1);
    for (let l = 0; l < n; l++) {
      const pid = this.parentId[records[l]!]!;
      let p = -1;
      if (pid !== '') {
        if (hexHalves(pid, ph, pl, 0)) p = table[slot(ph[0]!, pl[0]!)]!;
        if (p === l) p = -1;
        if (p < 0) flags[l]! |= SpanFlag.Orphan;
      }
      parent[l] = p;
    }
    return true;
  }
}

/** Writes a 16-digit lower-case hex ID as two 32-bit halves at `i`; false for any other string. */
function hexHalves(id: string, hi: Uint32Array, lo: Uint32Array, i: number): boolean {
  if (id.length !== 16) return false;
  let h = 0;
  let w = 0;
  for (let k = 0; k < 16; k++) {
    const c = id.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return false;
    if (k < 8) h = h * 16 + d;
    else w = w * 16 + d;
  }
  hi[i] = h;
  lo[i] = w;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
