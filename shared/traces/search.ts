/** The trace list: one row per trace, filtered by service, operation, duration, errors and attributes, sorted. */
import type { RawStore } from './builder';
import { spanDetail } from './detail';
import { attrToString, type Attribute, type TraceSet } from './model';
import { serviceLabel } from './service-map';

export interface TraceListItem {
  /** Index into TraceSet.traces. */
  index: number;
  traceId: string;
  rootService: string;
  rootName: string;
  startUnixNs: string;
  durationUs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface TraceQuery {
  /** Exact service name that must own at least one span. */
  service?: string;
  /** Case-insensitive substring of at least one span's operation name. */
  operation?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Only traces with at least one error span. */
  errorsOnly?: boolean;
  /**
   * `key=value` (value compared as text, case-insensitive), `key=` (has the key), or free text
   * matched against every attribute key and value (span, resource, event attributes).
   */
  attribute?: string;
}

export type TraceSortKey = 'start' | 'duration' | 'spans' | 'errors' | 'service';

export function traceListItem(set: TraceSet, index: number): TraceListItem {
  const t = set.traces[index]!;
  const root = t.roots.length ? t.roots[0]! : 0;
  const seen = new Set<number>();
  for (let i = 0; i < t.spanCount; i++) seen.add(t.service[i]!);
  return {
    index,
    traceId: t.traceId,
    rootService: t.spanCount ? serviceLabel(set, t.service[root]!) : '',
    rootName: t.spanCount ? set.names[t.name[root]!]! : '',
    startUnixNs: t.startUnixNs,
    durationUs: t.durationUs,
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    services: [...seen].map((s) => serviceLabel(set, s)).sort(),
  };
}

function matcher(q: string): (attrs: Attribute[]) => boolean {
  const eq = q.indexOf('=');
  if (eq > 0) {
    const key = q.slice(0, eq).trim();
    const value = q.slice(eq + 1).trim().toLowerCase();
    return (attrs) => attrs.some((a) => a.key === key && (value === '' || attrToString(a.value).toLowerCase() === value));
  }
  const needle = q.trim().toLowerCase();
  return (attrs) =>
    attrs.some((a) => a.key.toLowerCase().includes(needle) || attrToString(a.value).toLowerCase().includes(needle));
}

/** Does any span of trace `index` carry a matching attribute? Needs the raw store (parsing side). */
export function traceHasAttribute(set: TraceSet, raw: RawStore, index: number, query: string): boolean {
  const match = matcher(query);
  const t = set.traces[index]!;
  for (let i = 0; i < t.spanCount; i++) {
    const d = spanDetail(set, raw, index, i);
    if (match(d.attributes) || match(d.resource) || d.events.some((e) => match(e.attributes))) return true;
  }
  return false;
}

export function searchTraces(
  set: TraceSet,
  raw: RawStore | undefined,
  q: TraceQuery = {},
  sort: TraceSortKey = 'start',
  descending = false,
): TraceListItem[] {
  const out: TraceListItem[] = [];
  const serviceIdx = q.service ? set.services.findIndex((s, i) => serviceLabel(set, i) === q.service) : -1;
  if (q.service && serviceIdx < 0) return out;
  const op = q.operation?.trim().toLowerCase();
  const opNames = op ? new Uint8Array(set.names.map((n) => (n.toLowerCase().includes(op) ? 1 : 0))) : undefined;
  if (q.attribute && !raw) throw new Error('attribute search needs the raw span store');
  set.traces.forEach((t, index) => {
    const ms = t.durationUs / 1000;
    if (q.minDurationMs !== undefined && ms < q.minDurationMs) return;
    if (q.maxDurationMs !== undefined && ms > q.maxDurationMs) return;
    if (q.errorsOnly && t.errorCount === 0) return;
    if (serviceIdx >= 0 && !t.service.includes(serviceIdx)) return;
    if (opNames && !t.name.some((n) => opNames[n] === 1)) return;
    if (q.attribute && !traceHasAttribute(set, raw!, index, q.attribute)) return;
    out.push(traceListItem(set, index));
  });
  const dir = descending ? -1 : 1;
  const cmp: Record<TraceSortKey, (a: TraceListItem, b: TraceListItem) => number> = {
    start: (a, b) => a.startUnixNs.length - b.startUnixNs.length || (a.startUnixNs < b.startUnixNs ? -1 : a.startUnixNs > b.startUnixNs ? 1 : 0),
    duration: (a, b) => a.durationUs - b.durationUs,
    spans: (a, b) => a.spanCount - b.spanCount,
    errors: (a, b) => a.errorCount - b.errorCount,
    service: (a, b) => a.rootService.localeCompare(b.rootService) || a.rootName.localeCompare(b.rootName),
  };
  return out.sort((a, b) => dir * cmp[sort](a, b) || a.index - b.index);
}
