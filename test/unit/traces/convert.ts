/**
 * An independent OTLP -> Jaeger API / Zipkin v2 converter for tests: written without the
 * importers so that "the same traces in three formats give the same summary" checks the
 * importers against each other rather than against themselves.
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function anyToString(v: Obj): string {
  if ('stringValue' in v) return String(v.stringValue);
  if ('intValue' in v) return String(v.intValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  return JSON.stringify(v);
}

function jaegerTag(key: string, v: Obj): Obj {
  if ('boolValue' in v) return { key, type: 'bool', value: v.boolValue };
  if ('intValue' in v) return { key, type: 'int64', value: Number(v.intValue) };
  if ('doubleValue' in v) return { key, type: 'float64', value: v.doubleValue };
  return { key, type: 'string', value: anyToString(v) };
}

/** Truncate every OTLP time to whole microseconds (what Jaeger and Zipkin can carry). */
export function otlpToMicros(doc: Obj): Obj {
  const copy = JSON.parse(JSON.stringify(doc));
  for (const rs of copy.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        s.startTimeUnixNano = String(s.startTimeUnixNano).slice(0, -3) + '000';
        s.endTimeUnixNano = String(s.endTimeUnixNano).slice(0, -3) + '000';
      }
  return copy;
}

function spansOf(doc: Obj): { s: Obj; service: string; resource: Obj }[] {
  const out: { s: Obj; service: string; resource: Obj }[] = [];
  for (const rs of doc.resourceSpans) {
    const service = anyToString(rs.resource.attributes.find((a: Obj) => a.key === 'service.name').value);
    for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push({ s, service, resource: rs.resource });
  }
  return out;
}

const us = (ns: string) => Number(BigInt(ns) / 1000n);
const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

export function otlpToJaeger(doc: Obj): Obj {
  const byTrace = new Map<string, Obj>();
  spansOf(doc).forEach(({ s, service, resource }) => {
    let t = byTrace.get(s.traceId);
    if (!t) byTrace.set(s.traceId, (t = { traceID: s.traceId, spans: [], processes: {} }));
    const pid = `p-${service}`;
    t.processes[pid] = {
      serviceName: service,
      tags: resource.attributes.filter((a: Obj) => a.key !== 'service.name').map((a: Obj) => jaegerTag(a.key, a.value)),
    };
    const tags = (s.attributes ?? []).map((a: Obj) => jaegerTag(a.key, a.value));
    if (KINDS[s.kind ?? 0]) tags.push({ key: 'span.kind', type: 'string', value: KINDS[s.kind] });
    if (s.status?.code === 2) tags.push({ key: 'error', type: 'bool', value: true });
    t.spans.push({
      traceID: s.traceId,
      spanID: s.spanId,
      operationName: s.name,
      references: s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : [],
      startTime: us(s.startTimeUnixNano),
      duration: us(s.endTimeUnixNano) - us(s.startTimeUnixNano),
      tags,
      logs: (s.events ?? []).map((e: Obj) => ({
        timestamp: us(e.timeUnixNano),
        fields: [{ key: 'event', type: 'string', value: e.name ?? '' }],
      })),
      processID: pid,
      warnings: null,
    });
  });
  return { data: [...byTrace.values()] };
}

export function otlpToZipkin(doc: Obj): Obj[] {
  return spansOf(doc).map(({ s, service }) => {
    const tags: Record<string, string> = {};
    for (const a of s.attributes ?? []) tags[a.key] = anyToString(a.value);
    if (s.status?.code === 2) tags.error = s.status.message ?? '';
    const kind = KINDS[s.kind ?? 0]!.toUpperCase();
    return {
      traceId: s.traceId,
      id: s.spanId,
      ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
      ...(kind && kind !== 'INTERNAL' ? { kind } : {}),
      name: s.name,
      timestamp: us(s.startTimeUnixNano),
      duration: us(s.endTimeUnixNano) - us(s.startTimeUnixNano),
      localEndpoint: { serviceName: service },
      annotations: (s.events ?? []).map((e: Obj) => ({ timestamp: us(e.timeUnixNano), value: e.name ?? '' })),
      tags,
    };
  });
}
