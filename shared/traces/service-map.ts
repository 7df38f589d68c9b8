/**
 * The service map of one trace: which service called which, how often, and how many of those
 * calls failed. A call is a parent/child span pair whose services differ (the child's error
 * counts against the edge). Spans without a service name show up as "(unknown)".
 */
import { SpanFlag, type Trace, type TraceSet } from './model';

export interface ServiceNode {
  service: string;
  spans: number;
  errors: number;
  /** Sum of span durations in µs (overlapping spans count twice). */
  totalUs: number;
}

export interface ServiceEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
}

export interface ServiceMap {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
}

export const UNKNOWN_SERVICE = '(unknown)';

export function serviceLabel(set: TraceSet, index: number): string {
  return set.services[index] || UNKNOWN_SERVICE;
}

export function serviceMap(set: TraceSet, t: Trace): ServiceMap {
  const nodes = new Map<number, ServiceNode>();
  const edges = new Map<string, ServiceEdge>();
  for (let i = 0; i < t.spanCount; i++) {
    const s = t.service[i]!;
    const err = (t.flags[i]! & SpanFlag.Error) !== 0;
    let node = nodes.get(s);
    if (!node) nodes.set(s, (node = { service: serviceLabel(set, s), spans: 0, errors: 0, totalUs: 0 }));
    node.spans++;
    if (err) node.errors++;
    node.totalUs += t.end[i]! - t.start[i]!;
    const p = t.parent[i]!;
    if (p < 0) continue;
    const ps = t.service[p]!;
    if (ps === s) continue;
    const key = `${ps}>${s}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from: serviceLabel(set, ps), to: serviceLabel(set, s), calls: 0, errors: 0 }));
    e.calls++;
    if (err) e.errors++;
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => b.spans - a.spans || a.service.localeCompare(b.service)),
    edges: [...edges.values()].sort((a, b) => b.calls - a.calls || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
  };
}
