/**
 * Trace evidence: do the reproduction's traces have the incident's shape? The incident traces
 * that matter are its traces with errors and its slowest trace. Each is paired with the
 * reproduction trace that starts at the same operation and is most alike under the existing
 * compare (shared/traces/compare.ts: call trees aligned on (service, operation) paths); a pair
 * matches when no call is missing, added, repeated a different number of times or failing
 * differently. Durations are reported, not judged (a lab runs at its own speed).
 *   reproduced      every trace that matters has a matching reproduction trace;
 *   not-reproduced  each has a counterpart, and none matches;
 *   inconclusive    some match, or no reproduction trace starts where they do.
 */
import { compareTraces, type CompareStatus, type TraceComparison } from '../traces/compare';
import type { Trace, TraceSet } from '../traces/model';
import { serviceLabel } from '../traces/service-map';
import { plural, type Evidence } from './types';

const STRUCTURAL: CompareStatus[] = ['only-a', 'only-b', 'count', 'errors'];
/** The incident traces compared (error traces first), and the candidates tried for each. */
const MAX_KEY_TRACES = 20;
const MAX_CANDIDATES = 200;

export interface TracePairResult {
  incidentTrace: string;
  root: string;
  why: 'errors' | 'slowest';
  errorSpans: number;
  /** The reproduction trace most alike, when one starts at the same operation. */
  reproTrace?: string;
  outcome: 'matches' | 'differs' | 'no-counterpart';
  structuralDifferences: number;
  timingDifferences: number;
  /** The compare's one-line summary (its first divergence). */
  summary?: string;
}

export interface TracesDetails {
  incidentTraces: number;
  reproTraces: number;
  pairs: TracePairResult[];
}

function rootKey(set: TraceSet, t: Trace): string {
  const r = t.roots[0];
  if (r === undefined) return '';
  return `${serviceLabel(set, t.service[r]!)} ${set.names[t.name[r]!]}`;
}

function structural(c: TraceComparison): number {
  return STRUCTURAL.reduce((n, s) => n + c.counts[s], 0);
}

function keyTraces(set: TraceSet): Array<{ t: Trace; why: 'errors' | 'slowest' }> {
  const out: Array<{ t: Trace; why: 'errors' | 'slowest' }> = set.traces.filter((t) => t.errorCount > 0).map((t) => ({ t, why: 'errors' as const }));
  let slowest: Trace | undefined;
  for (const t of set.traces) if (!slowest || t.durationUs > slowest.durationUs) slowest = t;
  if (slowest && !out.some((k) => k.t === slowest)) out.push({ t: slowest, why: 'slowest' });
  return out.slice(0, MAX_KEY_TRACES);
}

export function judgeTraces(incident: TraceSet | undefined, repro: TraceSet | undefined, opts: { incidentNote?: string; reproNote?: string } = {}): Evidence<TracesDetails> {
  const base = { kind: 'traces' as const };
  const counts = { incidentTraces: incident?.traces.length ?? 0, reproTraces: repro?.traces.length ?? 0, pairs: [] as TracePairResult[] };
  if (!incident || incident.traces.length === 0) return { ...base, verdict: 'missing', explanation: opts.incidentNote ?? 'The bundle has no traces to compare the reproduction with.', details: counts };
  if (!repro || repro.traces.length === 0) {
    return { ...base, verdict: 'missing', explanation: opts.reproNote ?? "The reproduction has sent no traces yet: point its services' OTLP exporters at the session's receiver.", details: counts };
  }
  const byRoot = new Map<string, Trace[]>();
  for (const t of repro.traces) {
    const k = rootKey(repro, t);
    const list = byRoot.get(k) ?? [];
    if (list.length < MAX_CANDIDATES) list.push(t);
    byRoot.set(k, list);
  }
  const labels = { a: 'the incident', b: 'the reproduction' };
  const pairs: TracePairResult[] = keyTraces(incident).map(({ t, why }) => {
    const root = rootKey(incident, t);
    const pair = { incidentTrace: t.traceId, root, why, errorSpans: t.errorCount };
    let best: { c: TraceComparison; trace: Trace } | undefined;
    for (const cand of byRoot.get(root) ?? []) {
      const c = compareTraces(incident, t, repro, cand, { labels });
      if (
        !best ||
        structural(c) < structural(best.c) ||
        (structural(c) === structural(best.c) && c.counts.slower + c.counts.faster < best.c.counts.slower + best.c.counts.faster)
      ) {
        best = { c, trace: cand };
      }
      if (structural(best.c) === 0 && best.c.counts.slower + best.c.counts.faster === 0) break;
    }
    if (!best) return { ...pair, outcome: 'no-counterpart' as const, structuralDifferences: 0, timingDifferences: 0 };
    const s = structural(best.c);
    return {
      ...pair,
      reproTrace: best.trace.traceId,
      outcome: s === 0 ? ('matches' as const) : ('differs' as const),
      structuralDifferences: s,
      timingDifferences: best.c.counts.slower + best.c.counts.faster,
      summary: best.c.summary,
    };
  });
  const details = { ...counts, pairs };
  const matches = pairs.filter((p) => p.outcome === 'matches');
  const differs = pairs.filter((p) => p.outcome === 'differs');
  const none = pairs.filter((p) => p.outcome === 'no-counterpart');
  const what = (p: TracePairResult) => (p.why === 'errors' ? `the error trace at ${p.root}` : `the slowest trace (${p.root})`);
  if (matches.length === pairs.length) {
    const timing = matches.reduce((n, p) => n + p.timingDifferences, 0);
    return {
      ...base,
      verdict: 'reproduced',
      explanation: `The reproduction's traces have the incident's calls and errors: ${plural(pairs.length, 'trace')} that matter (${pairs.map(what).join(', ')}) ${pairs.length === 1 ? 'has' : 'have'} a structurally matching trace${timing > 0 ? `; ${plural(timing, 'call')} differ in duration` : ''}.`,
      details,
    };
  }
  if (differs.length === pairs.length) {
    return { ...base, verdict: 'not-reproduced', explanation: `The reproduction's traces take another path than the incident's: for ${what(differs[0]!)}, ${lowerFirst(differs[0]!.summary ?? '')}`, details };
  }
  if (matches.length === 0 && differs.length === 0) {
    return { ...base, verdict: 'inconclusive', explanation: `No reproduction trace starts where the incident's do (${[...new Set(none.map((p) => p.root))].join(', ')}).`, details };
  }
  return {
    ...base,
    verdict: 'inconclusive',
    explanation: `${matches.length} of ${plural(pairs.length, 'incident trace')} that matter ${matches.length === 1 ? 'has' : 'have'} a matching reproduction trace; ${differs[0] ? `for ${what(differs[0])}, ${lowerFirst(differs[0].summary ?? '')}` : `none starts at ${none[0]!.root}`}`,
    details,
  };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
