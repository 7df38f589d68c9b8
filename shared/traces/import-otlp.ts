/**
 * OTLP/JSON (`ExportTraceServiceRequest`): resourceSpans -> scopeSpans -> spans.
 * Also reads the pre-1.0 `instrumentationLibrarySpans` names, string enums for kind and status,
 * and Jaeger API v3's `{"result": {...}}` wrapper (unwrapped by detect.ts).
 */
import type { TraceSetBuilder } from './builder';
import { SpanFlag, type Attribute, type SpanEvent, type SpanLink } from './model';
import type { DetailParts } from './detail-parts';
import { attr, fromKeyValues, nanoDiffUs, normalizeId, otlpStringAttr, parseUnixNano, type Instant } from './values';
import { appendAll } from '../array';

const KIND_BY_NAME: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

/** A span's kind as OTLP/JSON gives it (a number or an enum name) as the model's number. */
export function otlpKind(k: unknown): number {
  return typeof k === 'number' ? (k >= 0 && k <= 5 ? k : 0) : (KIND_BY_NAME[String(k)] ?? 0);
}

/** Is a span's status.code the error code (2, "2" or the enum name)? */
export function otlpIsError(code: unknown): boolean {
  return code === 2 || code === 'STATUS_CODE_ERROR' || code === '2';
}

export function isOtlp(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans);
}

export function importOtlp(doc: unknown, b: TraceSetBuilder, where: string): void {
  const resourceSpans = (doc as { resourceSpans: unknown[] }).resourceSpans;
  for (let ri = 0; ri < resourceSpans.length; ri++) {
    const rs = resourceSpans[ri] as Record<string, unknown> | null;
    if (!rs || typeof rs !== 'object') {
      b.warnings.push(`${where}: resourceSpans[${ri}] is not an object; skipped`);
      continue;
    }
    const resource = rs.resource as { attributes?: unknown } | undefined;
    const service = otlpStringAttr(resource?.attributes, 'service.name') ?? '';
    const scopes = (rs.scopeSpans ?? rs.instrumentationLibrarySpans) as unknown;
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      if (!ss || typeof ss !== 'object') continue;
      const s = ss as Record<string, unknown>;
      const ctx = b.addContext({ format: 'otlp', resource, scope: s.scope ?? s.instrumentationLibrary });
      const spans = s.spans;
      if (!Array.isArray(spans)) continue;
      for (let si = 0; si < spans.length; si++) {
        const sp = spans[si] as Record<string, unknown> | null;
        b.inputSpanObjects++;
        if (!sp || typeof sp !== 'object') {
          b.warnings.push(`${where}: resourceSpans[${ri}] span ${si} is not an object; skipped`);
          continue;
        }
        const traceId = normalizeId(sp.traceId);
        const spanId = normalizeId(sp.spanId);
        if (!traceId || !spanId) {
          b.warnings.push(`${where}: resourceSpans[${ri}] span ${si} has no traceId/spanId; skipped`);
          continue;
        }
        const startT = parseUnixNano(sp.startTimeUnixNano);
        const endT = parseUnixNano(sp.endTimeUnixNano);
        const status = sp.status as { code?: unknown } | undefined;
        b.add({
          traceId,
          spanId,
          parentId: sp.parentSpanId ? normalizeId(sp.parentSpanId) : '',
          service,
          name: typeof sp.name === 'string' ? sp.name : '',
          kind: otlpKind(sp.kind),
          startUs: startT ? startT.us : NaN,
          startNs: startT ? startT.ns : 0,
          durationUs: startT && endT ? nanoDiffUs(startT, endT) : NaN,
          flags: otlpIsError(status?.code) ? SpanFlag.Error : 0,
          raw: sp,
          context: ctx,
        });
      }
    }
  }
}

/** Details of one OTLP span, relative to the trace start. */
export function otlpDetail(
  raw: unknown,
  ctx: { resource?: unknown; scope?: unknown },
  traceStart: Instant,
  inSet: (traceId: string, spanId: string) => boolean,
): DetailParts {
  const sp = raw as Record<string, unknown>;
  const events: SpanEvent[] = [];
  if (Array.isArray(sp.events)) {
    for (const e of sp.events as Record<string, unknown>[]) {
      const t = parseUnixNano(e?.timeUnixNano);
      events.push({
        time: t ? nanoDiffUs(traceStart, t) : 0,
        name: typeof e?.name === 'string' ? e.name : '',
        attributes: fromKeyValues(e?.attributes),
      });
    }
  }
  const links: SpanLink[] = [];
  if (Array.isArray(sp.links)) {
    for (const l of sp.links as Record<string, unknown>[]) {
      const traceId = normalizeId(l?.traceId);
      const spanId = normalizeId(l?.spanId);
      const attributes = fromKeyValues(l?.attributes);
      if (typeof l?.traceState === 'string' && l.traceState) attributes.push(attr('traceState', l.traceState));
      links.push({ traceId, spanId, type: 'link', attributes, inTrace: inSet(traceId, spanId) });
    }
  }
  const scope: Attribute[] = [];
  const sc = ctx.scope as Record<string, unknown> | undefined;
  if (sc && typeof sc === 'object') {
    if (typeof sc.name === 'string' && sc.name) scope.push(attr('name', sc.name));
    if (typeof sc.version === 'string' && sc.version) scope.push(attr('version', sc.version));
    appendAll(scope, fromKeyValues(sc.attributes));
  }
  const status = sp.status as { message?: unknown } | undefined;
  const attributes = fromKeyValues(sp.attributes);
  return {
    attributes,
    events,
    links,
    resource: fromKeyValues((ctx.resource as { attributes?: unknown } | undefined)?.attributes),
    scope,
    statusMessage: typeof status?.message === 'string' ? status.message : '',
    warnings: [],
  };
}
