/**
 * Jaeger JSON, in every shape seen in the wild:
 * - query API: `{"data": [{traceID, spans, processes, warnings}]}` (hex IDs, µs numbers, {key,type,value} tags)
 * - one API trace object without the wrapper
 * - the UI's enriched model: `{"data": {spans, ...}}` with inlined `process` and nested reference copies
 * - the storage model (`model.Span` as protobuf JSON): `{"spans": [...]}` with base64 IDs,
 *   RFC 3339 start times, Go duration strings and {key,vType,vStr,...} tags.
 */
import type { TraceSetBuilder } from './builder';
import { SpanFlag, SpanKind, type Attribute, type SpanEvent, type SpanLink } from './model';
import type { DetailParts } from './detail-parts';
import { attr, fromJaegerTags, normalizeId, parseGoDuration, parseRfc3339, type Instant } from './values';
import { appendAll } from '../array';

const KIND_BY_TAG: Record<string, number> = {
  server: SpanKind.Server,
  client: SpanKind.Client,
  producer: SpanKind.Producer,
  consumer: SpanKind.Consumer,
  internal: SpanKind.Internal,
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function looksLikeJaegerSpan(v: unknown): boolean {
  return isObj(v) && ('operationName' in v || 'spanID' in v || 'references' in v);
}

/** The list of Jaeger trace objects ({spans, processes?}) in a document, or undefined if it is not Jaeger. */
export function jaegerTraces(doc: unknown): Obj[] | undefined {
  if (!isObj(doc)) return undefined;
  const data = doc.data;
  if (Array.isArray(data)) {
    if (data.every((t) => isObj(t) && Array.isArray(t.spans))) return data as Obj[];
    return undefined;
  }
  if (isObj(data) && Array.isArray(data.spans)) return [data];
  if (Array.isArray(doc.spans) && (doc.spans.length === 0 || looksLikeJaegerSpan(doc.spans[0]))) return [doc];
  return undefined;
}

export function importJaeger(traces: Obj[], b: TraceSetBuilder, where: string): void {
  for (let ti = 0; ti < traces.length; ti++) {
    const t = traces[ti]!;
    const processes = isObj(t.processes) ? t.processes : undefined;
    const ctx = b.addContext({ format: 'jaeger', processes });
    const spans = t.spans as unknown[];
    for (let si = 0; si < spans.length; si++) {
      const sp = spans[si];
      b.inputSpanObjects++;
      const at = `${where}: trace ${ti} span ${si}`;
      if (!isObj(sp)) {
        b.warnings.push(`${at} is not an object; skipped`);
        continue;
      }
      const traceId = normalizeId(sp.traceID ?? sp.traceId ?? t.traceID);
      const spanId = normalizeId(sp.spanID ?? sp.spanId);
      if (!traceId || !spanId) {
        b.warnings.push(`${at} has no trace or span ID; skipped`);
        continue;
      }
      const { parentId, followsFrom } = pickParent(sp, traceId);
      const start = jaegerInstant(sp.startTime);
      const duration = typeof sp.duration === 'number' ? sp.duration : parseGoDuration(sp.duration);
      const process = processOf(sp, processes);
      let kind: number = SpanKind.Unspecified;
      let error = false;
      const tags = sp.tags;
      if (Array.isArray(tags)) {
        for (const tag of tags as Obj[]) {
          const key = tag?.key;
          if (key === 'span.kind') kind = KIND_BY_TAG[String(tagValue(tag)).toLowerCase()] ?? kind;
          else if (key === 'error') {
            const v = tagValue(tag);
            error = v === true || v === 'true';
          }
        }
      }
      b.add({
        traceId,
        spanId,
        parentId,
        service: typeof process?.serviceName === 'string' ? process.serviceName : '',
        name: typeof sp.operationName === 'string' ? sp.operationName : '',
        kind,
        startUs: start ? start.us : NaN,
        startNs: start ? start.ns : 0,
        durationUs: duration ?? NaN,
        flags: (error ? SpanFlag.Error : 0) | (followsFrom ? SpanFlag.FollowsFrom : 0),
        raw: sp,
        context: ctx,
      });
    }
  }
}

function tagValue(tag: Obj): unknown {
  if ('vType' in tag) {
    const t = String(tag.vType).toUpperCase();
    return t === 'BOOL' ? (tag.vBool ?? false) : t === 'STRING' ? tag.vStr : (tag.vInt64 ?? tag.vFloat64 ?? tag.vBinary);
  }
  return tag.value;
}

function refsOf(sp: Obj): Obj[] {
  const refs = Array.isArray(sp.references) ? (sp.references as Obj[]).filter(isObj) : [];
  if (refs.length === 0 && sp.parentSpanID && sp.parentSpanID !== '0') {
    // Old API responses name the parent directly.
    return [{ refType: 'CHILD_OF', spanID: sp.parentSpanID }];
  }
  return refs;
}

/** The parent is the first CHILD_OF reference into the same trace, else the first FOLLOWS_FROM one. */
function pickParent(sp: Obj, traceId: string): { parentId: string; followsFrom: boolean; ref?: Obj } {
  let follows: Obj | undefined;
  for (const r of refsOf(sp)) {
    const rt = r.traceID ?? r.traceId;
    if (rt !== undefined && normalizeId(rt) !== traceId) continue;
    const type = String(r.refType ?? 'CHILD_OF').toUpperCase();
    if (type === 'CHILD_OF') return { parentId: normalizeId(r.spanID ?? r.spanId), followsFrom: false, ref: r };
    if (!follows) follows = r;
  }
  if (follows) return { parentId: normalizeId(follows.spanID ?? follows.spanId), followsFrom: true, ref: follows };
  return { parentId: '', followsFrom: false };
}

function processOf(sp: Obj, processes: Obj | undefined): Obj | undefined {
  if (isObj(sp.process)) return sp.process;
  const pid = sp.processID;
  if (typeof pid === 'string' && processes && isObj(processes[pid])) return processes[pid] as Obj;
  return undefined;
}

/** Microsecond numbers (API), RFC 3339 strings (storage model), or decimal strings. */
function jaegerInstant(v: unknown): Instant | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const us = Math.floor(v);
    return { us, ns: Math.round((v - us) * 1000) };
  }
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return { us: Number(v), ns: 0 };
    return parseRfc3339(v);
  }
  return undefined;
}

function relUs(v: unknown, base: Instant): number {
  const t = jaegerInstant(v);
  return t ? t.us - base.us + (t.ns - base.ns) / 1000 : 0;
}

export function jaegerDetail(
  raw: unknown,
  ctx: { processes?: Record<string, unknown> },
  traceId: string,
  traceStart: Instant,
  inSet: (traceId: string, spanId: string) => boolean,
): DetailParts {
  const sp = raw as Obj;
  const events: SpanEvent[] = [];
  if (Array.isArray(sp.logs)) {
    for (const log of sp.logs as Obj[]) {
      const fields = fromJaegerTags(log?.fields);
      const ev = fields.find((f) => f.key === 'event' || f.key === 'message');
      events.push({
        time: relUs(log?.timestamp, traceStart),
        name: ev && ev.value.type === 'string' ? ev.value.value : '',
        attributes: fields,
      });
    }
  }
  const parent = pickParent(sp, traceId);
  const links: SpanLink[] = [];
  for (const r of refsOf(sp)) {
    if (r === parent.ref) continue;
    const lt = normalizeId(r.traceID ?? r.traceId ?? traceId);
    const ls = normalizeId(r.spanID ?? r.spanId);
    links.push({
      traceId: lt,
      spanId: ls,
      type: String(r.refType ?? 'CHILD_OF').toLowerCase(),
      attributes: [],
      inTrace: inSet(lt, ls),
    });
  }
  const process = processOf(sp, ctx.processes);
  const resource: Attribute[] = [];
  if (process) {
    if (typeof process.serviceName === 'string') resource.push(attr('service.name', process.serviceName));
    appendAll(resource, fromJaegerTags(process.tags));
  }
  const attributes = fromJaegerTags(sp.tags);
  const warnings = Array.isArray(sp.warnings) ? sp.warnings.map(String) : [];
  return { attributes, events, links, resource, scope: [], statusMessage: '', warnings };
}
