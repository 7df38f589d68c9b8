/**
 * Metrics evidence: does what the reproduction measured behave like the incident's canary or
 * like its baseline? `judgeReproduction` (shared/canary/reproduction.ts) answers it per metric.
 *
 * The bundle's metrics are production series, one value per window (e.g. a p99 every 30 s);
 * the reproduction measures requests. A metric is compared when the reproduction measures the
 * same quantity, with each of its runs (a replay, a game day's probes) as one window:
 *   latency      (name or group says latency / duration / response time, or the name ends in
 *                _seconds / _ms / _milliseconds), in the metric's unit (seconds unless the name
 *                says ms). The run's statistic is the one the name names: pNN (p99, p95, p50) or
 *                median -> that quantile of the run's latencies; mean / avg -> their mean; a name
 *                that names none -> every request's latency is a sample of its own;
 *   error ratio  (name or group says error / 5xx / fail): the run's share of 5xx answers
 *                (x100 when the name says percent).
 * Other metrics (CPU, saturation …) are listed as not measured. One or two windows against a
 * production series give a wide interval: the judge says like-canary or like-baseline only when
 * the reproduction sits clearly on one side, and the verdict never rests on metrics against a
 * replay that disagrees (docs/verdict.md).
 */
import { fmt } from '../canary/format';
import { judgeReproduction, type ReproductionVerdict } from '../canary/reproduction';
import { plural, type Evidence } from './types';

export interface IncidentMetric {
  name: string;
  group?: string;
  critical?: boolean;
  canary: readonly number[];
  baseline: readonly number[];
  /** The metric's file could not be read. */
  error?: string;
}

/** One run of the reproduction (a replay, a game day's probes): one window of measurements. */
export interface ReproRun {
  /** e.g. "replay 20261120T… (8 of 8 requests, max)". */
  source: string;
  /** Latencies of the requests answered, ms. */
  latenciesMs: readonly number[];
  /** Requests answered, and how many of them were 5xx. */
  answered: number;
  serverErrors: number;
}

/** What the reproduction measured. */
export interface ReproMeasurements {
  runs: readonly ReproRun[];
}

export type LatencyStatistic = { kind: 'quantile'; q: number } | { kind: 'mean' } | { kind: 'each' };
export type MetricQuantity = { kind: 'latency'; unit: 's' | 'ms'; statistic: LatencyStatistic } | { kind: 'error-ratio'; scale: 1 | 100 } | { kind: 'other' };

export interface MetricResult {
  name: string;
  critical: boolean;
  measuredAs: string;
  verdict: ReproductionVerdict | 'not-measured';
  explanation: string;
  samples: number;
  medians?: { repro: number; canary: number; baseline: number };
}

export interface MetricsDetails {
  metrics: MetricResult[];
  /** The runs measured (their sources). */
  sources: string[];
}

/** At most this many samples go to the test: beyond it an even spread of them (in request order) does. */
export const MAX_METRIC_SAMPLES = 5000;
/** Fixed so the same measurements always give the same judgement (ties are jittered from it). */
const NOISE_SEED = 20_41;

function latencyStatistic(name: string): LatencyStatistic {
  const n = name.toLowerCase();
  const p = /(?:^|[^a-z0-9])p(\d{2,3})(?![0-9])/.exec(n);
  if (p) {
    const digits = p[1]!;
    return { kind: 'quantile', q: digits.length === 3 ? Number(digits) / 1000 : Number(digits) / 100 };
  }
  if (/median/.test(n)) return { kind: 'quantile', q: 0.5 };
  if (/mean|avg|average/.test(n)) return { kind: 'mean' };
  return { kind: 'each' };
}

export function metricQuantity(name: string, group?: string): MetricQuantity {
  const text = `${name} ${group ?? ''}`.toLowerCase();
  if (/error|5xx|fail/.test(text)) return { kind: 'error-ratio', scale: /percent|pct/.test(text) ? 100 : 1 };
  if (/latency|duration|response_?time|_seconds(?![a-z])|_ms(?![a-z])|_milliseconds(?![a-z])/.test(text)) {
    return { kind: 'latency', unit: /_ms(?![a-z])|millisecond/.test(name.toLowerCase()) ? 'ms' : 's', statistic: latencyStatistic(name) };
  }
  return { kind: 'other' };
}

/** Quantile q of values by linear interpolation between closest ranks (R's type 7, as Prometheus' histogram_quantile interpolates within a bucket). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)]! - s[lo]!));
}

function describeStatistic(st: LatencyStatistic): string {
  return st.kind === 'quantile' ? `the p${Number((st.q * 100).toPrecision(3))} of each run's latencies` : st.kind === 'mean' ? "the mean of each run's latencies" : "each replayed request's latency";
}

function spread(values: readonly number[], max: number): number[] {
  if (values.length <= max) return [...values];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(values[Math.floor((i * values.length) / max)]!);
  return out;
}

export function judgeMetric(m: IncidentMetric, repro: ReproMeasurements): MetricResult {
  const q = metricQuantity(m.name, m.group);
  const critical = m.critical ?? false;
  if (q.kind === 'other') return { name: m.name, critical, measuredAs: 'not measured by a reproduction', verdict: 'not-measured', explanation: `${m.name} is not something a replay measures.`, samples: 0 };
  if (m.error) return { name: m.name, critical, measuredAs: '', verdict: 'not-measured', explanation: `${m.name} could not be read from the bundle: ${m.error}`, samples: 0 };
  let samples: number[];
  let measuredAs: string;
  if (q.kind === 'latency') {
    const unit = (ms: number) => (q.unit === 's' ? ms / 1000 : ms);
    const runs = repro.runs.filter((r) => r.latenciesMs.length > 0);
    const st = q.statistic;
    samples =
      st.kind === 'each'
        ? spread(runs.flatMap((r) => r.latenciesMs), MAX_METRIC_SAMPLES).map(unit)
        : runs.map((r) => unit(st.kind === 'mean' ? r.latenciesMs.reduce((a, b) => a + b, 0) / r.latenciesMs.length : quantile(r.latenciesMs, st.q)));
    measuredAs = `${describeStatistic(st)}, in ${q.unit === 's' ? 'seconds' : 'ms'}`;
  } else {
    samples = repro.runs.filter((r) => r.answered > 0).map((r) => (r.serverErrors / r.answered) * q.scale);
    measuredAs = `each run's share of 5xx answers${q.scale === 100 ? ' (percent)' : ''}`;
  }
  if (samples.length === 0) return { name: m.name, critical, measuredAs, verdict: 'not-measured', explanation: `Nothing measured for ${m.name} yet.`, samples: 0 };
  const j = judgeReproduction({ reproSamples: samples, incidentCanary: m.canary, incidentBaseline: m.baseline, metric: m.name, noiseSeed: NOISE_SEED });
  return {
    name: m.name,
    critical,
    measuredAs,
    verdict: j.verdict,
    explanation: j.explanation,
    samples: samples.length,
    medians: { repro: j.summaries.repro.median, canary: j.summaries.canary.median, baseline: j.summaries.baseline.median },
  };
}

export function judgeMetrics(metrics: readonly IncidentMetric[] | undefined, repro: ReproMeasurements, recordEvents?: number[]): Evidence<MetricsDetails> {
  const base = { kind: 'metrics' as const, ...(recordEvents?.length ? { recordEvents } : {}) };
  if (!metrics || metrics.length === 0) {
    return { ...base, verdict: 'missing', explanation: 'The bundle has no canary metrics to compare the reproduction with.', details: { metrics: [], sources: repro.runs.map((r) => r.source) } };
  }
  const measurable = metrics.filter((m) => metricQuantity(m.name, m.group).kind !== 'other');
  if (measurable.length === 0) {
    return {
      ...base,
      verdict: 'missing',
      explanation: `None of the bundle's metrics (${metrics.map((m) => m.name).join(', ')}) is a request latency or an error ratio, which is what a reproduction measures.`,
      details: { metrics: metrics.map((m) => judgeMetric(m, repro)), sources: repro.runs.map((r) => r.source) },
    };
  }
  if (repro.runs.every((r) => r.answered === 0)) {
    return {
      ...base,
      verdict: 'missing',
      explanation: `Nothing measured yet to compare with the incident's ${measurable.map((m) => m.name).join(' and ')}: replay the recorded traffic.`,
      details: { metrics: metrics.map((m) => judgeMetric(m, repro)), sources: repro.runs.map((r) => r.source) },
    };
  }
  // Critical metrics first: their word is given first.
  const results = metrics.map((m) => judgeMetric(m, repro)).sort((a, b) => Number(b.critical) - Number(a.critical));
  const details = { metrics: results, sources: repro.runs.map((r) => r.source) };
  const canary = results.filter((r) => r.verdict === 'like-canary');
  const baseline = results.filter((r) => r.verdict === 'like-baseline');
  const judged = results.filter((r) => r.verdict !== 'not-measured');
  if (canary.length > 0 && baseline.length === 0) {
    const others = judged.length - canary.length;
    return { ...base, verdict: 'reproduced', explanation: withOthers(canary[0]!.explanation, others), details };
  }
  if (baseline.length > 0 && canary.length === 0) {
    const others = judged.length - baseline.length;
    return { ...base, verdict: 'not-reproduced', explanation: withOthers(baseline[0]!.explanation, others), details };
  }
  if (canary.length > 0) {
    return {
      ...base,
      verdict: 'inconclusive',
      explanation: `The metrics disagree: ${canary.map((r) => r.name).join(', ')} behave${canary.length === 1 ? 's' : ''} like the incident's canary, ${baseline.map((r) => r.name).join(', ')} like its baseline.`,
      details,
    };
  }
  const first = judged[0] ?? results[0]!;
  return { ...base, verdict: 'inconclusive', explanation: first.explanation, details };
}

function withOthers(explanation: string, others: number): string {
  return others > 0 ? `${explanation.replace(/\.$/, '')}; ${plural(others, 'other metric')} ${others === 1 ? 'is' : 'are'} inconclusive.` : explanation;
}

/** "1.06 s" style medians for views. */
export function formatMedians(r: MetricResult): string {
  if (!r.medians) return '';
  return `reproduction ${fmt(r.medians.repro)}, canary ${fmt(r.medians.canary)}, baseline ${fmt(r.medians.baseline)}`;
}
