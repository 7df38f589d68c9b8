/**
 * Two-sample Wilcoxon rank-sum (Mann-Whitney) test with the asymptotic confidence interval for
 * the location shift, as R computes it with
 *   wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE, conf.level = L)
 * (stats/R/wilcox.test.R, .wilcox_test_two_cint_asymp). Kayenta's judge is a port of that code.
 *
 * The statistic for a shift d is the standardised rank sum of x - d in the pooled sample:
 *   W(d) = (R_x(d) - m(m+1)/2 - mn/2 - cc(d)) / sigma(d),
 *   sigma(d)^2 = mn/12 * ((m+n+1) - sum(t^3 - t) / ((m+n)(m+n-1)))
 * with the continuity correction cc(d) = sign(.) * 0.5 for the interval and none for the estimate.
 * W is a non-increasing step function of d; the limits are the roots of W(d) = z_{1-a/2} and
 * W(d) = z_{a/2} found by R's uniroot on [min(x) - max(y), max(x) - min(y)], and the estimate is
 * the root of the uncorrected W(d) = 0.
 */
import { pnorm, pnormUpper, qnorm } from './normal';
import { shiftedRankSum } from './ranks';
import { zeroin } from './zeroin';

export interface WilcoxonOptions {
  /** Confidence level of the two-sided interval, in (0, 1). Default 0.95 (R's default). */
  confLevel?: number;
  /** Continuity correction, R's `correct`. Default true. */
  correct?: boolean;
  /** uniroot tolerance, R's `tol.root`. Default 1e-4. */
  tolRoot?: number;
}

export interface WilcoxonResult {
  /** R's W: rank sum of x minus m(m+1)/2 (the Mann-Whitney U of x). */
  statistic: number;
  /** Two-sided p-value of the normal approximation with continuity and tie corrections. */
  pValue: number;
  /** Two-sided confidence interval for the location shift x - y. */
  confidenceInterval: [number, number];
  /**
   * R's "difference in location": the root of the uncorrected W(d) = 0, or the middle of
   * `estimateRange` when W is 0 on a whole stretch (R returns some point of that stretch).
   */
  estimate: number;
  /** The shifts where the uncorrected W(d) is exactly 0; [estimate, estimate] when it crosses 0 at a point. */
  estimateRange: [number, number];
  confLevel: number;
}

export class WilcoxonError extends Error {
  override name = 'WilcoxonError';
}

function sortedCopy(values: readonly number[]): Float64Array {
  const copy = Float64Array.from(values);
  copy.sort();
  return copy;
}

/**
 * The stretch of shifts around `at` over which the ranking of (x - d, y) stays as it is at `at`:
 * it ends at the nearest pairwise differences x_i - y_j on either side. Which side a pair is on
 * is read from the ranking itself (x_i - at against y_j, as W computes it), not from x_i - y_j,
 * because the two can disagree in the last bit right at a difference. [at, at] when some pair
 * ties exactly at `at` (W jumps through 0 there). O(m log n).
 */
export function zeroStretch(sortedX: Float64Array, sortedY: Float64Array, at: number): [number, number] {
  let below = -Infinity;
  let above = Infinity;
  const n = sortedY.length;
  const firstIndex = (pred: (y: number) => boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(sortedY[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (const xi of sortedX) {
    const v = xi - at;
    const firstNotBelow = firstIndex((y) => y >= v);
    const firstAbove = firstIndex((y) => y > v);
    if (firstNotBelow < firstAbove) return [at, at];
    // y_j < v: x_i - d stays above y_j until d reaches about x_i - y_j, which is past `at`.
    if (firstNotBelow > 0) above = Math.min(above, xi - sortedY[firstNotBelow - 1]!);
    // y_j > v: the pair last changed order at about x_i - y_j, before `at`.
    if (firstAbove < n) below = Math.max(below, xi - sortedY[firstAbove]!);
  }
  return [Math.min(below, at), Math.max(above, at)];
}

export function wilcoxonTwoSample(
  x: readonly number[],
  y: readonly number[],
  options: WilcoxonOptions = {},
): WilcoxonResult {
  return wilcoxonSorted(sortedCopy(x), sortedCopy(y), options);
}

/** The same test on samples already sorted ascending (saves the classifier a second sort). */
export function wilcoxonSorted(sx: Float64Array, sy: Float64Array, options: WilcoxonOptions = {}): WilcoxonResult {
  const confLevel = options.confLevel ?? 0.95;
  const correct = options.correct ?? true;
  const tolRoot = options.tolRoot ?? 1e-4;
  const m = sx.length;
  const n = sy.length;
  if (m === 0 || n === 0) throw new WilcoxonError('both samples need at least one value');
  if (!(confLevel > 0 && confLevel < 1)) throw new WilcoxonError(`confLevel must be in (0, 1), got ${confLevel}`);
  if (!Number.isFinite(sx[0]!) || !Number.isFinite(sx[m - 1]!)) throw new WilcoxonError('x holds a non-finite value');
  if (!Number.isFinite(sy[0]!) || !Number.isFinite(sy[n - 1]!)) throw new WilcoxonError('y holds a non-finite value');
  const mn = m * n;
  const pooled = m + n;

  const sigmaFor = (ties: number): number =>
    Math.sqrt((mn / 12) * (pooled + 1 - (pooled > 1 ? ties / (pooled * (pooled - 1)) : 0)));

  // Standardised statistic at shift d; `withCorrection` toggles the continuity correction.
  const standardised = (d: number, withCorrection: boolean): number => {
    const { rankSumX, tieTerm } = shiftedRankSum(sx, sy, d);
    const dz = rankSumX - (m * (m + 1)) / 2 - mn / 2;
    const sigma = sigmaFor(tieTerm);
    if (sigma === 0) throw new WilcoxonError('cannot compute a confidence interval when all observations are tied');
    const cc = withCorrection ? Math.sign(dz) * 0.5 : 0;
    return (dz - cc) / sigma;
  };

  // Test statistic and p-value at shift 0.
  const atZero = shiftedRankSum(sx, sy, 0);
  const statistic = atZero.rankSumX - (m * (m + 1)) / 2;
  const sigma0 = sigmaFor(atZero.tieTerm);
  let pValue: number;
  if (sigma0 === 0) {
    pValue = 1;
  } else {
    const z0 = statistic - mn / 2;
    const zc = (z0 - (correct ? Math.sign(z0) * 0.5 : 0)) / sigma0;
    pValue = Math.min(1, 2 * Math.min(pnorm(zc), pnormUpper(zc)));
  }

  const alpha = 1 - confLevel;
  const muMin = sx[0]! - sy[n - 1]!;
  const muMax = sx[m - 1]! - sy[0]!;
  const wCorrected = (d: number) => standardised(d, correct);
  const wAtMin = wCorrected(muMin);
  const wAtMax = wCorrected(muMax);

  const root = (zq: number): number => {
    // In extreme cases the limit is an end of the search range (R: wilcox.test(1, 2:60, conf.int=TRUE)).
    const fLower = wAtMin - zq;
    if (fLower <= 0) return muMin;
    const fUpper = wAtMax - zq;
    if (fUpper >= 0) return muMax;
    return zeroin((d) => wCorrected(d) - zq, muMin, muMax, fLower, fUpper, tolRoot).root;
  };
  const lower = root(qnorm(1 - alpha / 2));
  const upper = root(qnorm(alpha / 2));

  const wPlain = (d: number) => standardised(d, false);
  const fLow = wPlain(muMin);
  const fHigh = wPlain(muMax);
  if (fLow * fHigh > 0) throw new WilcoxonError('f() values at end points not of opposite sign');
  let estimate = zeroin(wPlain, muMin, muMax, fLow, fHigh, tolRoot).root;
  let estimateRange: [number, number] = [estimate, estimate];
  if (wPlain(estimate) === 0) {
    // W is exactly 0 on a whole stretch of shifts (common with small samples or ties), so every
    // point of it solves R's equation and uniroot stops wherever its steps land: R's estimate for
    // (x, y) is then not minus its estimate for (y, x). W only changes at pairwise differences
    // x_i - y_j, so the stretch runs between the nearest differences on either side of R's root;
    // we take its middle, which mirrors exactly when the samples are swapped.
    estimateRange = zeroStretch(sx, sy, estimate);
    estimate = estimateRange[0] + (estimateRange[1] - estimateRange[0]) / 2;
  }

  return { statistic, pValue, confidenceInterval: [lower, upper], estimate, estimateRange, confLevel };
}
