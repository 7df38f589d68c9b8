/** Span details on demand, read from the raw records kept on the side that parsed the files. */
import { rawSpan, type RawStore } from './builder';
import { jaegerDetail } from './import-jaeger';
import { otlpDetail } from './import-otlp';
import { zipkinDetail } from './import-zipkin';
import { SpanFlag, spanKindName, type SpanDetail, type TraceSet } from './model';
import type { DetailParts } from './detail-parts';
import type { Instant } from './values';

const FLAG_NAMES: [number, string][] = [
  [SpanFlag.Error, 'error'],
  [SpanFlag.NoTimestamp, 'no start time in input (placed at parent start)'],
  [SpanFlag.NoDuration, 'no duration in input'],
  [SpanFlag.Orphan, 'parent not in trace'],
  [SpanFlag.FollowsFrom, 'follows-from parent'],
  [SpanFlag.Shared, 'shared span ID (server half of an RPC)'],
  [SpanFlag.DuplicateId, 'span ID reused with different content (children attach to the first; not on the critical path)'],
];

function traceStartInstant(startUnixNs: string): Instant {
  return startUnixNs.length > 3
    ? { us: Number(startUnixNs.slice(0, -3)), ns: Number(startUnixNs.slice(-3)) }
    : { us: 0, ns: Number(startUnixNs) };
}

function spanIdsOf(set: TraceSet, raw: RawStore, traceId: string): Set<string> | undefined {
  if (raw.spanIdsByTrace.size === 0) {
    for (const t of set.traces) raw.spanIdsByTrace.set(t.traceId, new Set(t.spanId));
  }
  return raw.spanIdsByTrace.get(traceId);
}

export function spanDetail(set: TraceSet, raw: RawStore, traceIndex: number, spanIndex: number): SpanDetail {
  const t = set.traces[traceIndex];
  if (!t || spanIndex < 0 || spanIndex >= t.spanCount) throw new RangeError(`no span ${traceIndex}/${spanIndex}`);
  const rec = t.source[spanIndex]!;
  const ctx = raw.contexts[raw.context[rec]!]!;
  const start = traceStartInstant(t.startUnixNs);
  const inSet = (traceId: string, spanId: string) => spanIdsOf(set, raw, traceId)?.has(spanId) ?? false;
  const span = rawSpan(raw, rec);
  let parts: DetailParts;
  switch (ctx.format) {
    case 'otlp':
      parts = otlpDetail(span, ctx, start, inSet);
      break;
    case 'jaeger':
      parts = jaegerDetail(span, ctx, t.traceId, start, inSet);
      break;
    case 'zipkin':
      parts = zipkinDetail(span, start);
      break;
  }
  const flags = t.flags[spanIndex]!;
  return {
    traceId: t.traceId,
    spanId: t.spanId[spanIndex]!,
    parentSpanId: t.parentSpanId[spanIndex]!,
    service: set.services[t.service[spanIndex]!]!,
    name: set.names[t.name[spanIndex]!]!,
    kind: spanKindName(t.kind[spanIndex]!),
    startUs: t.start[spanIndex]!,
    durationUs: t.end[spanIndex]! - t.start[spanIndex]!,
    error: (flags & SpanFlag.Error) !== 0,
    flags: FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n),
    ...parts,
  };
}
