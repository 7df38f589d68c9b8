/**
 * Ranks with ties, as R's rank(ties.method = "average"), plus the tie term sum(t^3 - t) that the
 * normal approximation's variance needs.
 */

/** Average ranks (1-based) of `values`; NaN is not allowed (callers remove or replace it first). */
export function averageRanks(values: readonly number[]): number[] {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 (0-based) share the average of ranks start+1..end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** sum over tie groups of (t^3 - t), the tie correction term. */
export function tieTerm(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    const t = end - start;
    sum += t * t * t - t;
    start = end;
  }
  return sum;
}

export interface ShiftedRankSum {
  /** Sum of the ranks of the (x - shift) values in the pooled sample (x - shift, y). */
  rankSumX: number;
  /** sum(t^3 - t) over the pooled sample's tie groups. */
  tieTerm: number;
}

/**
 * Rank sum of x - shift within the pooled sample (x - shift, y), from x and y already sorted
 * ascending. Subtracting a constant keeps x's order (rounding is monotone), so one O(m + n) merge
 * replaces a sort per evaluation: the root finder calls this dozens of times per metric.
 * The shifted values are computed exactly as R computes x - d, so ties fall where R's fall.
 */
export function shiftedRankSum(sortedX: Float64Array, sortedY: Float64Array, shift: number): ShiftedRankSum {
  const m = sortedX.length;
  const n = sortedY.length;
  let i = 0;
  let j = 0;
  // Current heads of both sides; an exhausted side reads as +Infinity.
  let xv = m > 0 ? sortedX[0]! - shift : Infinity;
  let yv = n > 0 ? sortedY[0]! : Infinity;
  let position = 0; // number of pooled values already ranked
  let rankSumX = 0;
  let ties = 0;
  while (i < m || j < n) {
    const v = xv <= yv ? xv : yv;
    let cx = 0;
    while (i < m && xv === v) {
      cx++;
      i++;
      xv = i < m ? sortedX[i]! - shift : Infinity;
    }
    let cy = 0;
    while (j < n && yv === v) {
      cy++;
      j++;
      yv = j < n ? sortedY[j]! : Infinity;
    }
    const t = cx + cy;
    if (t === 0) break; // only when a side holds +Infinity, which callers never pass
    rankSumX += cx * (position + (t + 1) / 2);
    ties += t * t * t - t;
    position += t;
  }
  return { rankSumX, tieTerm: ties };
}
