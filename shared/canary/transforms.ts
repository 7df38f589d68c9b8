/**
 * Preprocessing before classification, as Kayenta's NetflixACAJudge does it: NaN values are
 * removed or replaced by 0, then (optionally) outliers beyond an IQR fence are dropped.
 * Infinite values (Prometheus "+Inf"/"-Inf", e.g. histogram_quantile past the last bucket) cannot
 * enter a rank-sum interval; they are always dropped, and counted so the explanation can say so.
 */
import { percentileOfSorted } from './descriptive';

export type NanStrategy = 'remove' | 'replace';

export interface CleanedSample {
  values: number[];
  nanCount: number;
  infiniteCount: number;
  outlierCount: number;
}

export function handleNaNs(values: readonly number[], strategy: NanStrategy): CleanedSample {
  const out: number[] = [];
  let nanCount = 0;
  let infiniteCount = 0;
  for (const v of values) {
    if (Number.isNaN(v)) {
      nanCount++;
      if (strategy === 'replace') out.push(0);
    } else if (!Number.isFinite(v)) {
      infiniteCount++;
    } else {
      out.push(v);
    }
  }
  return { values: out, nanCount, infiniteCount, outlierCount: 0 };
}

/**
 * Kayenta's IQRDetector(factor, reduceSensitivity = true): quartiles by linear interpolation,
 * fences at Q1 - factor * IQR and Q3 + factor * IQR; values outside are outliers.
 */
export function iqrFences(values: readonly number[], factor: number): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const q1 = percentileOfSorted(sorted, 25);
  const q3 = percentileOfSorted(sorted, 75);
  const iqr = q3 - q1;
  return [q1 - factor * iqr, q3 + factor * iqr];
}

export function removeOutliers(sample: CleanedSample, factor: number): CleanedSample {
  if (sample.values.length === 0) return sample;
  const [low, high] = iqrFences(sample.values, factor);
  const kept = sample.values.filter((v) => v >= low && v <= high);
  return { ...sample, values: kept, outlierCount: sample.outlierCount + (sample.values.length - kept.length) };
}
