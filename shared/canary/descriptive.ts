/** Descriptive statistics used by the judge and shown next to each metric. */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 denominator); 0 for a single value. */
export function standardDeviation(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mu = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - mu) * (v - mu);
  return Math.sqrt(squares / (n - 1));
}

/**
 * Percentile p in [0, 100] by linear interpolation between order statistics (R's type 7, numpy's
 * default), as Kayenta's DescriptiveStatistics.percentile. `sorted` must be ascending.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0]!;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

export interface SummaryStatistics {
  count: number;
  mean: number;
  std: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

export function summarize(values: readonly number[]): SummaryStatistics {
  if (values.length === 0) {
    return { count: 0, mean: NaN, std: NaN, min: NaN, p25: NaN, median: NaN, p75: NaN, max: NaN };
  }
  const sorted = Float64Array.from(values).sort();
  return {
    count: values.length,
    mean: mean(values),
    std: standardDeviation(values),
    min: sorted[0]!,
    p25: percentileOfSorted(sorted, 25),
    median: percentileOfSorted(sorted, 50),
    p75: percentileOfSorted(sorted, 75),
    max: sorted[sorted.length - 1]!,
  };
}
