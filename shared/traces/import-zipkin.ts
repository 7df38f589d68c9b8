/**
 * Zipkin v2 JSON: a bare array of spans (or an array of such arrays, as `GET /api/v2/traces`
 * returns). Spans may arrive in fragments, and an RPC's client and server halves share one ID.
 * Fragments are merged the way Zipkin's own span cleaner does: group by ID, merge pieces that
 * agree on `shared` and whose local endpoints do not conflict; the server half then becomes a
 * child of the client half when the tree is built.
 */
import type { TraceSetBuilder } from './builder';
import { SpanFlag, SpanKind, type Attribute, type SpanEvent } from './model';
import type { DetailParts } from './detail-parts';
import { attr, normalizeId, type Instant } from './values';

type Obj = Record<string, unknown>;

const KIND: Record<string, number> = {
  CLIENT: SpanKind.Client,
  SERVER: SpanKind.Server,
  PRODUCER: SpanKind.Producer,
  CONSUMER: SpanKind.Consumer,
};

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The Zipkin spans in a document (flattened), or undefined if it is not Zipkin v2. */
export function zipkinSpans(doc: unknown): unknown[] | undefined {
  if (!Array.isArray(doc)) return undefined;
  const flat = doc.length > 0 && Array.isArray(doc[0]) ? (doc as unknown[][]).flat() : doc;
  if (flat.length === 0) return flat;
  const first = flat.find(isObj);
  if (!first || !('traceId' in first) || !('id' in first)) return undefined;
  return flat;
}

interface Piece {
  traceId: string;
  id: string;
  parentId: string;
  shared: boolean;
  kind: string;
  endpoint: Obj | undefined;
  raw: Obj;
}

function endpointsConflict(a: Obj | undefined, b: Obj | undefined): boolean {
  if (!a || !b) return false;
  for (const k of ['serviceName', 'ipv4', 'ipv6', 'port'] as const) {
    if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]) return true;
  }
  return false;
}

export function importZipkin(spans: unknown[], b: TraceSetBuilder, where: string): void {
  const ctx = b.addContext({ format: 'zipkin' });
  const pieces: Piece[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    b.inputSpanObjects++;
    if (!isObj(s)) {
      b.warnings.push(`${where}: span ${i} is not an object; skipped`);
      continue;
    }
    const traceId = normalizeId(s.traceId);
    const id = normalizeId(s.id);
    if (!traceId || !id) {
      b.warnings.push(`${where}: span ${i} has no traceId/id; skipped`);
      continue;
    }
    const kind = typeof s.kind === 'string' ? s.kind : '';
    const parentId = s.parentId ? normalizeId(s.parentId) : '';
    pieces.push({
      traceId,
      id,
      parentId: parentId === id ? '' : parentId,
      // `shared` marks the server half; Zipkin ignores it on a client span.
      shared: s.shared === true && kind !== 'CLIENT',
      kind,
      endpoint: isObj(s.localEndpoint) ? s.localEndpoint : undefined,
      raw: s,
    });
  }
  // Group pieces of one span: same trace and ID, same shared flag, endpoints and kinds that do
  // not conflict, and not two different start times (five servers answering one client call
  // are five spans, not one). Zipkin's own cleaner would merge those; we keep them apart.
  // Pieces with neither kind nor timestamp (late tags, a finish) are placed in a second pass,
  // into the span of the same ID whose endpoint matches, whatever its shared flag.
  const groups = new Map<string, Piece[][]>();
  const isFragment = (p: Piece) => !p.kind && !p.shared && typeof p.raw.timestamp !== 'number';
  const fits = (g: Piece[], p: Piece, anyShared: boolean) => {
    if (!anyShared && g[0]!.shared !== p.shared) return false;
    if (endpointsConflict(mergedEndpoint(g), p.endpoint)) return false;
    const gk = g.find((q) => q.kind)?.kind;
    if (gk && p.kind && gk !== p.kind) return false;
    const ts = p.raw.timestamp;
    return typeof ts !== 'number' || g.every((q) => typeof q.raw.timestamp !== 'number' || q.raw.timestamp === ts);
  };
  const place = (p: Piece, anyShared: boolean) => {
    const key = `${p.traceId}/${p.id}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    const g = list.find((x) => fits(x, p, anyShared));
    if (g) g.push(p);
    else list.push([p]);
  };
  for (const p of pieces) if (!isFragment(p)) place(p, false);
  for (const p of pieces) if (isFragment(p)) place(p, true);
  // Backfill: a SERVER half sharing its ID with a CLIENT half is shared even if not flagged.
  const clientIds = new Set<string>();
  for (const p of pieces) if (p.kind === 'CLIENT') clientIds.add(`${p.traceId}/${p.id}`);

  for (const list of groups.values()) {
    for (const g of list) {
      let ts = NaN;
      let dur = NaN;
      let name = '';
      let kind = '';
      let parentId = '';
      let service = '';
      let error = false;
      for (const p of g) {
        const r = p.raw;
        if (Number.isNaN(ts) && typeof r.timestamp === 'number' && r.timestamp > 0) ts = r.timestamp;
        if (Number.isNaN(dur) && typeof r.duration === 'number' && r.duration > 0) dur = r.duration;
        if (!name && typeof r.name === 'string' && r.name !== 'unknown') name = r.name;
        if (!kind) kind = p.kind;
        if (!parentId) parentId = p.parentId;
        if (!service && typeof p.endpoint?.serviceName === 'string') service = p.endpoint.serviceName;
        if (isObj(r.tags) && 'error' in r.tags) error = true;
      }
      const first = g[0]!;
      let shared = first.shared;
      if (!shared && kind === 'SERVER' && clientIds.has(`${first.traceId}/${first.id}`)) shared = true;
      const us = Math.floor(ts);
      b.add({
        traceId: first.traceId,
        spanId: first.id,
        parentId,
        service,
        name,
        kind: KIND[kind] ?? SpanKind.Unspecified,
        startUs: us,
        startNs: Number.isNaN(ts) ? 0 : Math.round((ts - us) * 1000),
        durationUs: dur,
        flags: (error ? SpanFlag.Error : 0) | (shared ? SpanFlag.Shared : 0),
        raw: g.map((p) => p.raw),
        context: ctx,
      });
    }
  }
}

function mergedEndpoint(g: Piece[]): Obj | undefined {
  let out: Obj | undefined;
  for (const p of g) if (p.endpoint) out = { ...p.endpoint, ...(out ?? {}) };
  return out;
}

function endpointAttrs(prefix: string, ep: unknown): Attribute[] {
  if (!isObj(ep)) return [];
  const out: Attribute[] = [];
  for (const k of ['serviceName', 'ipv4', 'ipv6', 'port'] as const) {
    if (ep[k] !== undefined) out.push(attr(`${prefix}.${k}`, String(ep[k])));
  }
  return out;
}

export function zipkinDetail(raw: unknown, traceStart: Instant): DetailParts {
  const fragments = raw as Obj[];
  const attributes: Attribute[] = [];
  const seenTags = new Set<string>();
  const events: SpanEvent[] = [];
  const resource: Attribute[] = [];
  const seenRes = new Set<string>();
  for (const f of fragments) {
    if (isObj(f.tags)) {
      for (const [k, v] of Object.entries(f.tags)) {
        if (seenTags.has(k)) continue;
        seenTags.add(k);
        attributes.push(attr(k, String(v)));
      }
    }
    if (Array.isArray(f.annotations)) {
      for (const a of f.annotations as Obj[]) {
        const ts = typeof a?.timestamp === 'number' ? a.timestamp : NaN;
        events.push({
          time: Number.isNaN(ts) ? 0 : ts - traceStart.us - traceStart.ns / 1000,
          name: typeof a?.value === 'string' ? a.value : '',
          attributes: [],
        });
      }
    }
    for (const a of [...endpointAttrs('localEndpoint', f.localEndpoint), ...endpointAttrs('remoteEndpoint', f.remoteEndpoint)]) {
      if (seenRes.has(a.key)) continue;
      seenRes.add(a.key);
      resource.push(a);
    }
    if (f.debug === true && !seenTags.has('zipkin.debug')) {
      seenTags.add('zipkin.debug');
      attributes.push(attr('zipkin.debug', 'true'));
    }
  }
  events.sort((a, b) => a.time - b.time);
  const warnings = fragments.length > 1 ? [`merged from ${fragments.length} Zipkin span objects with this ID`] : [];
  return { attributes, events, links: [], resource, scope: [], statusMessage: '', warnings };
}

/** Remote-only services (named only as a remoteEndpoint), for the service map. */
export function zipkinRemoteService(raw: unknown): string {
  for (const f of raw as Obj[]) {
    const ep = f.remoteEndpoint;
    if (isObj(ep) && typeof ep.serviceName === 'string' && ep.serviceName) return ep.serviceName;
  }
  return '';
}
