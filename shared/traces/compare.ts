/**
 * Compare two traces (incident vs reproduction, or any two) by aligning their call trees on the
 * path of (service, operation) pairs from the root. Spans with the same path are one aligned
 * node whatever their IDs or timing; the node then shows how many spans each side has, their
 * errors and mean durations. The two traces may come from different TraceSets (an incident
 * bundle and a live OTLP receiver).
 */
import { SpanFlag, type Trace, type TraceSet } from './model';
import { serviceLabel } from './service-map';

export interface CompareSide {
  count: number;
  errors: number;
  /** Sum of durations in µs. */
  totalUs: number;
  /** Earliest start among the node's spans, µs from its trace start. */
  firstStart: number;
  /** A span of this node (the earliest), for jumping to it. */
  firstSpan: number;
}

export type CompareStatus = 'same' | 'only-a' | 'only-b' | 'count' | 'errors' | 'slower' | 'faster';

export interface CompareRow {
  depth: number;
  service: string;
  name: string;
  a: CompareSide | null;
  b: CompareSide | null;
  status: CompareStatus;
  /** Mean duration of b minus mean duration of a, µs (0 when one side is missing). */
  meanDeltaUs: number;
}

export interface CompareOptions {
  /** Labels used in the divergence summary. */
  labels?: { a: string; b: string };
  /** A mean duration differing by more than this ratio AND minUs counts as slower/faster. */
  durationRatio?: number;
  minDeltaUs?: number;
}

export interface TraceComparison {
  rows: CompareRow[];
  /** Index into rows of the first structural divergence (missing spans, count or error change); else the first timing one. */
  firstDivergence: number;
  summary: string;
  counts: Record<CompareStatus, number>;
}

interface PathNode {
  parent: number;
  service: string;
  name: string;
  children: number[];
  a: CompareSide | null;
  b: CompareSide | null;
}

const STRUCTURAL: CompareStatus[] = ['only-a', 'only-b', 'count', 'errors'];

export function compareTraces(setA: TraceSet, ta: Trace, setB: TraceSet, tb: Trace, opts: CompareOptions = {}): TraceComparison {
  const labels = opts.labels ?? { a: 'A', b: 'B' };
  const ratio = opts.durationRatio ?? 0.2;
  const minDelta = opts.minDeltaUs ?? 1000;
  const nodes: PathNode[] = [{ parent: -1, service: '', name: '', children: [], a: null, b: null }];
  const index = new Map<string, number>();

  const addTrace = (set: TraceSet, t: Trace, side: 'a' | 'b') => {
    const nodeOf = new Int32Array(t.spanCount);
    // Depth-first from the roots so a parent's node exists before its children's.
    const stack: number[] = [];
    for (let r = t.roots.length - 1; r >= 0; r--) stack.push(t.roots[r]!);
    while (stack.length) {
      const i = stack.pop()!;
      const p = t.parent[i]!;
      const parentNode = p >= 0 ? nodeOf[p]! : 0;
      const service = serviceLabel(set, t.service[i]!);
      const name = set.names[t.name[i]!]!;
      const key = `${parentNode}\u0000${service}\u0000${name}`;
      let id = index.get(key);
      if (id === undefined) {
        id = nodes.length;
        index.set(key, id);
        nodes.push({ parent: parentNode, service, name, children: [], a: null, b: null });
        nodes[parentNode]!.children.push(id);
      }
      nodeOf[i] = id;
      const node = nodes[id]!;
      let s = node[side];
      if (!s) s = node[side] = { count: 0, errors: 0, totalUs: 0, firstStart: Infinity, firstSpan: i };
      s.count++;
      if (t.flags[i]! & SpanFlag.Error) s.errors++;
      s.totalUs += t.end[i]! - t.start[i]!;
      if (t.start[i]! < s.firstStart) {
        s.firstStart = t.start[i]!;
        s.firstSpan = i;
      }
      for (let k = t.childOffset[i + 1]! - 1; k >= t.childOffset[i]!; k--) stack.push(t.childList[k]!);
    }
  };
  addTrace(setA, ta, 'a');
  addTrace(setB, tb, 'b');

  const counts: Record<CompareStatus, number> = { same: 0, 'only-a': 0, 'only-b': 0, count: 0, errors: 0, slower: 0, faster: 0 };
  const rows: CompareRow[] = [];
  const when = (n: PathNode) => Math.min(n.a?.firstStart ?? Infinity, n.b?.firstStart ?? Infinity);
  const walk = (id: number, depth: number) => {
    const kids = nodes[id]!.children.slice().sort((x, y) => when(nodes[x]!) - when(nodes[y]!));
    for (const k of kids) {
      const n = nodes[k]!;
      let status: CompareStatus = 'same';
      let meanDeltaUs = 0;
      if (!n.b) status = 'only-a';
      else if (!n.a) status = 'only-b';
      else {
        meanDeltaUs = n.b.totalUs / n.b.count - n.a.totalUs / n.a.count;
        const meanA = n.a.totalUs / n.a.count;
        if (n.a.count !== n.b.count) status = 'count';
        else if (n.a.errors !== n.b.errors) status = 'errors';
        else if (Math.abs(meanDeltaUs) > minDelta && Math.abs(meanDeltaUs) > ratio * meanA) status = meanDeltaUs > 0 ? 'slower' : 'faster';
      }
      counts[status]++;
      rows.push({ depth, service: n.service, name: n.name, a: n.a, b: n.b, status, meanDeltaUs });
      walk(k, depth + 1);
    }
  };
  walk(0, 0);

  let first = rows.findIndex((r) => STRUCTURAL.includes(r.status));
  if (first < 0) first = rows.findIndex((r) => r.status !== 'same');
  return { rows, firstDivergence: first, summary: describe(rows, first, labels), counts };
}

function pathOf(rows: CompareRow[], at: number): string {
  const parts: string[] = [];
  let depth = rows[at]!.depth + 1;
  for (let r = at; r >= 0 && depth > 0; r--) {
    if (rows[r]!.depth === depth - 1) {
      parts.push(`${rows[r]!.service} ${rows[r]!.name}`);
      depth--;
    }
  }
  return parts.reverse().join(' > ');
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
}

function describe(rows: CompareRow[], at: number, labels: { a: string; b: string }): string {
  if (at < 0) return `No divergence: both traces have the same calls with similar durations.`;
  const r = rows[at]!;
  const where = pathOf(rows, at);
  const plural = (n: number) => `${n} span${n === 1 ? '' : 's'}`;
  switch (r.status) {
    case 'only-a':
      return `First divergence at ${where}: only in ${labels.a} (${plural(r.a!.count)}).`;
    case 'only-b':
      return `First divergence at ${where}: only in ${labels.b} (${plural(r.b!.count)}).`;
    case 'count':
      return `First divergence at ${where}: ${labels.a} has ${plural(r.a!.count)}, ${labels.b} has ${plural(r.b!.count)}.`;
    case 'errors':
      return `First divergence at ${where}: ${labels.a} has ${r.a!.errors} error(s), ${labels.b} has ${r.b!.errors}.`;
    default:
      return `First divergence at ${where}: mean duration ${ms(r.a!.totalUs / r.a!.count)} in ${labels.a}, ${ms(r.b!.totalUs / r.b!.count)} in ${labels.b} (${r.meanDeltaUs > 0 ? '+' : ''}${ms(r.meanDeltaUs)}).`;
  }
}
