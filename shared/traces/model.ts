/**
 * The columnar span model every trace view works on.
 *
 * One JS object per span does not scale to the 100k-500k span traces this tool must open, so a
 * trace is a set of parallel typed arrays indexed by span number plus shared string tables.
 * Spans are numbered in START ORDER (start time, then depth, then input order), so "next span
 * in start order" is `i + 1` and children lists come out sorted by start for free.
 *
 * Everything in `Trace` is plain data (typed arrays, strings, numbers): it can be posted from a
 * Web Worker to the UI thread, with the typed arrays transferred rather than copied.
 */

export type TraceFormat = 'otlp' | 'jaeger' | 'zipkin';

/** OTLP's SpanKind numbering, used for every format. */
export const SpanKind = {
  Unspecified: 0,
  Internal: 1,
  Server: 2,
  Client: 3,
  Producer: 4,
  Consumer: 5,
} as const;
export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** Bits of `Trace.flags`. */
export const SpanFlag = {
  /** OTLP status code 2, Jaeger tag error=true, Zipkin tag `error` present. */
  Error: 1,
  /** The input gave no start time; the span was placed at its parent's start. */
  NoTimestamp: 2,
  /** The input gave no duration; the span is drawn with zero length. */
  NoDuration: 4,
  /** The span names a parent that is not in this trace. */
  Orphan: 8,
  /** The parent link is a FOLLOWS_FROM reference (not on the critical path; Jaeger does the same). */
  FollowsFrom: 16,
  /** Zipkin: the server half of an RPC that shares its span ID with the client half. */
  Shared: 32,
  /**
   * A later span that reuses an earlier span's ID (same trace) with different content: it keeps
   * its own parent, but children attach to the first, and it is kept off the critical path.
   * (An exact copy, e.g. an exporter's retry, is dropped at build time instead.)
   */
  DuplicateId: 64,
} as const;

export interface Trace {
  /** Lower-case hex. */
  traceId: string;
  /** Absolute start of the earliest span, nanoseconds since the Unix epoch, as a decimal string (exact). */
  startUnixNs: string;
  /** End of the latest span minus start of the earliest, in microseconds. */
  durationUs: number;
  spanCount: number;
  /** Per span, lower-case hex. */
  spanId: string[];
  /**
   * Per span, the parent ID the input named ('' for none), even when that parent is absent.
   * Left empty in the copy the trace worker posts to the page (details are built in the worker).
   */
  parentSpanId: string[];
  /** Per span, index of the parent span in this trace or -1. */
  parent: Int32Array;
  /** Microseconds relative to `startUnixNs`. */
  start: Float64Array;
  end: Float64Array;
  /** Index into `TraceSet.services`. */
  service: Int32Array;
  /** Index into `TraceSet.names`. */
  name: Int32Array;
  kind: Uint8Array;
  flags: Uint8Array;
  depth: Int32Array;
  /** Children of span i are `childList[childOffset[i] .. childOffset[i+1])`, in start order. */
  childOffset: Int32Array;
  childList: Int32Array;
  /** Spans without a parent in this trace, in start order. */
  roots: Int32Array;
  /** Per span, the index of its raw record in the TraceSet's `RawStore` (for details on demand). */
  source: Int32Array;
  /** Number of spans with the Error flag. */
  errorCount: number;
}

export interface TraceSet {
  formats: TraceFormat[];
  /** Service names; '' stands for a span whose input names no service. */
  services: string[];
  /** Operation names. */
  names: string[];
  traces: Trace[];
  /** Number of span objects in the input, before Zipkin fragments were merged. */
  inputSpanObjects: number;
  /** Problems that did not stop the import (skipped spans, repaired data), one line each. */
  warnings: string[];
}

/** A span of one trace: which trace, which span index. */
export interface SpanRef {
  trace: number;
  span: number;
}

export type AttrValue =
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  /** Kept as a decimal string: int64 values beyond 2^53 must not lose precision. */
  | { type: 'int'; value: string }
  | { type: 'double'; value: number }
  /** Base64 as given. */
  | { type: 'bytes'; value: string }
  | { type: 'array'; value: AttrValue[] }
  | { type: 'kvlist'; value: Attribute[] }
  | { type: 'empty' };

export interface Attribute {
  key: string;
  value: AttrValue;
}

export interface SpanEvent {
  /** Microseconds relative to the trace start. */
  time: number;
  name: string;
  attributes: Attribute[];
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  /** 'link' (OTLP), 'child_of' / 'follows_from' (Jaeger references beyond the parent). */
  type: string;
  attributes: Attribute[];
  /** True when the linked span is in this trace set. */
  inTrace: boolean;
}

/** Everything about one span that the waterfall does not need per frame; built on demand. */
export interface SpanDetail {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  kind: string;
  startUs: number;
  durationUs: number;
  error: boolean;
  statusMessage: string;
  flags: string[];
  attributes: Attribute[];
  events: SpanEvent[];
  links: SpanLink[];
  /** OTLP resource attributes, Jaeger process tags, Zipkin endpoints. */
  resource: Attribute[];
  /** OTLP instrumentation scope (name, version). */
  scope: Attribute[];
  warnings: string[];
}

/** Render an attribute value as one line of text (search, tables). */
export function attrToString(v: AttrValue): string {
  switch (v.type) {
    case 'string':
    case 'int':
    case 'bytes':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'double':
      return String(v.value);
    case 'array':
      return '[' + v.value.map(attrToString).join(', ') + ']';
    case 'kvlist':
      return '{' + v.value.map((a) => `${a.key}: ${attrToString(a.value)}`).join(', ') + '}';
    case 'empty':
      return '';
  }
}

export function spanKindName(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

export function isError(trace: Trace, i: number): boolean {
  return (trace.flags[i]! & SpanFlag.Error) !== 0;
}

export function childrenOf(trace: Trace, i: number): Int32Array {
  return trace.childList.subarray(trace.childOffset[i]!, trace.childOffset[i + 1]!);
}
