/**
 * Latency: recorded (HAR `time`) against replayed, side by side, and the canary judge's
 * Mann-Whitney test asking "is the reproduction as slow as the incident was?".
 */
import { classifyMannWhitney, defaultClassifierConfig, type Classification } from '../canary/classifier';

export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile on sorted values (what load tools print), 0 for no data. */
function rank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function summarizeLatency(values: readonly number[]): LatencySummary {
  // A typed array sorts numerically without a comparator call per step (a replay has 10^5 values).
  const s = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const mean = s.length ? sum / s.length : 0;
  return {
    count: s.length,
    min: round(s[0] ?? 0),
    p50: round(rank(s, 50)),
    p90: round(rank(s, 90)),
    p95: round(rank(s, 95)),
    p99: round(rank(s, 99)),
    max: round(s[s.length - 1] ?? 0),
    mean: round(mean),
  };
}

export interface LatencyBucket {
  /** Upper bound of the bucket, ms (the last bucket holds everything above the previous bound). */
  upToMs: number;
  recorded: number;
  replayed: number;
}

/** A shared set of log-spaced buckets so the two distributions can be drawn side by side. */
export function latencyHistogram(recorded: readonly number[], replayed: readonly number[], buckets = 16): LatencyBucket[] {
  // A loop, not Math.min(...all): spreading 10^5 arguments overflows the stack.
  let min = Infinity;
  let max = -Infinity;
  for (const series of [recorded, replayed]) {
    for (const v of series) {
      if (!Number.isFinite(v) || v < 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) return [];
  const lo = Math.max(0.1, min);
  const hi = Math.max(lo * 1.0001, max);
  const ratio = Math.pow(hi / lo, 1 / buckets);
  const bounds = Array.from({ length: buckets }, (_, i) => lo * Math.pow(ratio, i + 1));
  bounds[buckets - 1] = hi;
  const out: LatencyBucket[] = bounds.map((b) => ({ upToMs: round(b), recorded: 0, replayed: 0 }));
  const place = (v: number, key: 'recorded' | 'replayed') => {
    let i = 0;
    while (i < buckets - 1 && v > bounds[i]!) i++;
    out[i]![key]++;
  };
  for (const v of recorded) if (Number.isFinite(v) && v >= 0) place(v, 'recorded');
  for (const v of replayed) if (Number.isFinite(v) && v >= 0) place(v, 'replayed');
  return out;
}

export type LatencyVerdict = 'as-slow' | 'slower' | 'faster' | 'nodata';

export interface LatencyJudgement {
  verdict: LatencyVerdict;
  /** The judge's classification of replayed against recorded. */
  classification: Classification;
  /** One sentence for people. */
  reason: string;
  /** Shift estimate replayed - recorded, ms, when the test ran. */
  estimateMs?: number;
  pValue?: number;
}

/**
 * Whether the reproduction is slow like the incident. The recorded latencies are the incident's;
 * Mann-Whitney (the canary judge) tests the replayed ones against them. "faster" means the
 * slowness did not reproduce (only the responses did).
 */
export function judgeLatency(recorded: readonly number[], replayed: readonly number[]): LatencyJudgement {
  const r = classifyMannWhitney(recorded, replayed, defaultClassifierConfig({ direction: 'either', labels: { experiment: 'replay', control: 'recording' } }));
  const base = { classification: r.classification, reason: r.reason, ...(r.estimate !== undefined ? { estimateMs: round(r.estimate) } : {}), ...(r.pValue !== undefined ? { pValue: r.pValue } : {}) };
  switch (r.classification) {
    case 'Pass':
      return { verdict: 'as-slow', ...base };
    case 'High':
      return { verdict: 'slower', ...base };
    case 'Low':
      return { verdict: 'faster', ...base };
    default:
      return { verdict: 'nodata', ...base };
  }
}
