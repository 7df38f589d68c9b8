/**
 * The statistics under the judge, checked against values worked out by hand and against R's
 * wilcox.test (test/fixtures/canary/r-wilcox-reference.json, made by the .R script beside it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mean, percentile, standardDeviation } from '../../../shared/canary/descriptive';
import { cles, meanRatio } from '../../../shared/canary/effectSize';
import { WilcoxonError, wilcoxonTwoSample, zeroStretch } from '../../../shared/canary/mannWhitney';
import { pnorm, qnorm } from '../../../shared/canary/normal';
import { averageRanks, shiftedRankSum, tieTerm } from '../../../shared/canary/ranks';
import { handleNaNs, iqrFences, removeOutliers } from '../../../shared/canary/transforms';
import { zeroin } from '../../../shared/canary/zeroin';

interface ReferenceCase {
  name: string;
  confLevel: number;
  statistic: number;
  pValue: number;
  confInt: [number, number];
  estimate: number;
  x: number[];
  y: number[];
}
const referencePath = fileURLToPath(new URL('../../fixtures/canary/r-wilcox-reference.json', import.meta.url));
const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as { generator: string; cases: ReferenceCase[] };

describe('ranks', () => {
  it('averages tied ranks like R rank()', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 2, 1, 1])).toEqual([5, 2, 4, 2, 2]);
    expect(averageRanks([])).toEqual([]);
  });

  it('sums t^3 - t over tie groups', () => {
    expect(tieTerm([1, 2, 3])).toBe(0);
    expect(tieTerm([1, 1, 2, 2, 2])).toBe(6 + 24);
  });

  it('merges shifted samples into the same rank sum as ranking the pooled values', () => {
    const x = [0.5, 1.5, 1.5, 4];
    const y = [0, 1, 1, 2, 3.5];
    for (const shift of [-3, -0.5, 0, 0.5, 1, 2.5]) {
      const pooled = [...x.map((v) => v - shift), ...y];
      const ranks = averageRanks(pooled);
      const expected = ranks.slice(0, x.length).reduce((a, b) => a + b, 0);
      const merged = shiftedRankSum(Float64Array.from(x).sort(), Float64Array.from(y).sort(), shift);
      expect(merged.rankSumX).toBe(expected);
      expect(merged.tieTerm).toBe(tieTerm(pooled));
    }
  });
});

describe('normal distribution', () => {
  it('has the textbook quantiles', () => {
    expect(qnorm(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(qnorm(0.99)).toBeCloseTo(2.326347874040841, 14);
    expect(qnorm(0.5)).toBe(0);
    expect(pnorm(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(pnorm(0)).toBe(0.5);
  });
});

describe('zeroin (R uniroot)', () => {
  it('finds sqrt(2) to within the tolerance', () => {
    const f = (x: number) => x * x - 2;
    const r = zeroin(f, 0, 2, f(0), f(2), 1e-10);
    expect(r.root).toBeCloseTo(Math.SQRT2, 9);
    expect(r.iterations).toBeGreaterThan(0);
  });

  it('returns an end point whose value is exactly 0', () => {
    const f = (x: number) => x - 1;
    expect(zeroin(f, 1, 3, 0, 2).root).toBe(1);
  });

  it('lands on the jump of a step function', () => {
    const step = (x: number) => (x < 0.3 ? 1 : -1);
    const r = zeroin(step, 0, 1, 1, -1, 1e-6);
    expect(Math.abs(r.root - 0.3)).toBeLessThan(1e-6);
  });
});

describe('Wilcoxon rank-sum test, by hand', () => {
  it('x = (1, 2, 3) vs y = (4, 5, 6): W = 0, z = (0 - 4.5 + 0.5) / sqrt(5.25)', () => {
    const r = wilcoxonTwoSample([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(0);
    const z = (0 - 4.5 + 0.5) / Math.sqrt((9 / 12) * 7);
    expect(r.pValue).toBeCloseTo(2 * pnorm(z), 15);
    expect(r.pValue).toBeCloseTo(0.0808556, 6);
    // Every pairwise difference x - y is negative, so the whole interval is below zero.
    expect(r.confidenceInterval[1]).toBeLessThan(0);
  });

  it('ties enter the variance: x = (1, 1, 2), y = (1, 2, 2)', () => {
    // Pooled ranks: 1,1,1 -> 2; 2,2,2 -> 5. x ranks 2 + 2 + 5 = 9, W = 9 - 6 = 3, mn/2 = 4.5.
    // Ties: two groups of 3, sum(t^3 - t) = 48; sigma^2 = 9/12 * (7 - 48 / (6 * 5)) = 4.05.
    // z = (3 - 4.5 + 0.5) / sqrt(4.05) = -0.49690.
    const r = wilcoxonTwoSample([1, 1, 2], [1, 2, 2]);
    expect(r.statistic).toBe(3);
    expect(r.pValue).toBeCloseTo(2 * pnorm(-1 / Math.sqrt(4.05)), 15);
    expect(r.pValue).toBeCloseTo(0.619257, 6);
  });

  it('one value against 2..60: the limits are the ends of the range, the estimate the middle', () => {
    const y = Array.from({ length: 59 }, (_, i) => i + 2);
    const r = wilcoxonTwoSample([1], y);
    expect(r.confidenceInterval).toEqual([-59, -1]);
    expect(r.estimate).toBeCloseTo(-30, 3);
  });

  it('takes the middle of the stretch where W(d) = 0, so swapping samples mirrors the estimate', () => {
    // x = 0.38 against y = (1, 4.72): W(d) = 0 for every d with 1 < 0.38 - d < 4.72, i.e. (-4.34, -0.62).
    const forward = wilcoxonTwoSample([0.38], [1, 4.72]);
    expect(forward.estimateRange[0]).toBeCloseTo(-4.34, 12);
    expect(forward.estimateRange[1]).toBeCloseTo(-0.62, 12);
    expect(forward.estimate).toBeCloseTo(-2.48, 12);
    const backward = wilcoxonTwoSample([1, 4.72], [0.38]);
    expect(backward.estimate).toBeCloseTo(2.48, 12);
  });

  it('finds the zero stretch between the nearest pairwise differences, reading sides from the ranking', () => {
    const x = Float64Array.from([1, 4.72]);
    const y = Float64Array.from([0.38]);
    expect(zeroStretch(x, y, 2)).toEqual([1 - 0.38, 4.72 - 0.38]);
    // At a pairwise difference itself the pair ties and W jumps through 0 there.
    expect(zeroStretch(Float64Array.from([3]), Float64Array.from([1, 2]), 1)).toEqual([1, 1]);
  });

  it('an exact shift of every value gives that shift as the estimate', () => {
    const y = [3, 8, 1, 9, 4, 7, 2, 6];
    const x = y.map((v) => v + 5);
    const r = wilcoxonTwoSample(x, y);
    expect(r.estimate).toBeCloseTo(5, 3);
    expect(r.confidenceInterval[0]).toBeLessThan(5);
    expect(r.confidenceInterval[1]).toBeGreaterThan(5);
  });

  it('puts each limit within the root tolerance of a pairwise difference (W only jumps there)', () => {
    const x = [2.1, 3.4, 2.2, 5.9, 4.4, 3.3, 6.1];
    const y = [1.2, 0.4, 2.5, 1.9, 3.1, 0.8];
    const r = wilcoxonTwoSample(x, y, { confLevel: 0.9 });
    const differences = x.flatMap((a) => y.map((b) => a - b));
    for (const limit of r.confidenceInterval) {
      const nearest = Math.min(...differences.map((d) => Math.abs(d - limit)));
      expect(nearest).toBeLessThan(1e-4);
    }
  });

  it('refuses empty or non-finite samples', () => {
    expect(() => wilcoxonTwoSample([], [1])).toThrow(WilcoxonError);
    expect(() => wilcoxonTwoSample([1, NaN], [1])).toThrow(/non-finite/);
    expect(() => wilcoxonTwoSample([1], [2], { confLevel: 1 })).toThrow(/confLevel/);
  });

  it('refuses an interval when every value is tied', () => {
    expect(() => wilcoxonTwoSample([1, 1], [1, 1, 1])).toThrow(/tied/);
  });
});

describe(`Wilcoxon rank-sum test against ${reference.generator}`, () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const r = wilcoxonTwoSample(c.x, c.y, { confLevel: c.confLevel });
      expect(r.statistic).toBe(c.statistic);
      expect(r.pValue).toBeCloseTo(c.pValue, 12);
      // Same algorithm, same floating-point steps: agreement to ~1e-12, far inside R's tol 1e-4.
      expect(Math.abs(r.confidenceInterval[0] - c.confInt[0])).toBeLessThan(1e-9);
      expect(Math.abs(r.confidenceInterval[1] - c.confInt[1])).toBeLessThan(1e-9);
      // R's estimate is where its uniroot stopped; where W(d) = 0 on a stretch, any point of it
      // solves R's equation and we take the middle, so R's must lie in our stretch.
      expect(c.estimate).toBeGreaterThanOrEqual(r.estimateRange[0] - 1e-4);
      expect(c.estimate).toBeLessThanOrEqual(r.estimateRange[1] + 1e-4);
      expect(r.estimate).toBeCloseTo((r.estimateRange[0] + r.estimateRange[1]) / 2, 12);
      if (r.estimateRange[0] === r.estimateRange[1]) expect(Math.abs(r.estimate - c.estimate)).toBeLessThan(1e-9);
    });
  }
});

describe('descriptive statistics (Kayenta StatisticSuite values)', () => {
  it('percentiles interpolate linearly', () => {
    const data = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
    expect(percentile(data, 5)).toBeCloseTo(0.175, 10);
    expect(percentile(data, 50)).toBe(1.75);
    expect(percentile(data, 100)).toBe(3.5);
    const nist = [95.1772, 95.1567, 95.1937, 95.1959, 95.1442, 95.061, 95.1591, 95.1195, 95.1772, 95.0925, 95.199, 95.1682];
    expect(percentile(nist, 90)).toBeCloseTo(95.19568, 10);
  });

  it('mean and sample standard deviation', () => {
    const data = [1, 1, 1, 10, 10, 10];
    expect(mean(data)).toBe(5.5);
    expect(standardDeviation(data)).toBeCloseTo(4.9295, 4);
  });
});

describe('effect sizes (Kayenta StatisticSuite values)', () => {
  it('mean ratio, NaN with a zero mean', () => {
    expect(meanRatio([1, 1, 1, 1, 1], [10, 10, 10, 10, 10])).toBe(10);
    expect(meanRatio([100, 100], [10, 10])).toBe(0.1);
    expect(meanRatio([0, 0, 0], [10, 10, 10])).toBeNaN();
  });

  it('CLES counts wins and half ties', () => {
    expect(cles([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toBe(0.5);
    expect(cles([25, 26, 24], [2, 3, 4])).toBe(0);
    expect(cles([1, 2], [3, 4])).toBe(1);
    // Pairs (e, c): (2,1) win, (2,2) tie, (2,3) loss -> (1 + 0.5) / 3.
    expect(cles([1, 2, 3], [2])).toBeCloseTo(0.5, 15);
    const experiment = [
      22.58442682, 18.83161858, 22.34282944, 18.52177725, 19.41399147, 21.77120485, 24.33796385, 22.16390531,
      23.781802, 21.38514296, 22.2205035, 22.06152361, 21.30313392, 21.59652134, 22.38394223, 24.68882792,
      20.58916439, 21.03137302, 22.26213957, 23.76485986, 20.56271226, 24.56567102, 19.86055958, 22.18967677,
      20.31475409, 19.2634656, 24.60283585, 20.41729998, 20.62069798, 22.53448767,
    ];
    const control = [
      23.15322873, 22.09179077, 26.56410603, 23.0971542, 24.26372276, 25.6461273, 29.42730472, 22.08630097,
      29.15257054, 25.8096766, 24.62191338, 23.67398895, 23.63946085, 26.44684325, 25.76230914, 25.41279862,
      22.64005862, 24.58898152, 25.01968457, 25.03695883, 23.79864705, 26.60180151, 25.99405034, 22.46726084,
      28.31843786, 24.30152484, 22.83713467, 21.92380184, 23.44735223, 29.15676219,
    ];
    expect(cles(control, experiment)).toBeCloseTo(0.12, 12);
  });
});

describe('preprocessing', () => {
  it('removes or replaces NaN and always drops infinities', () => {
    expect(handleNaNs([1, NaN, Infinity, 2, -Infinity], 'remove')).toEqual({ values: [1, 2], nanCount: 1, infiniteCount: 2, outlierCount: 0 });
    expect(handleNaNs([1, NaN, 2], 'replace').values).toEqual([1, 0, 2]);
  });

  it('drops values beyond the IQR fences', () => {
    // Quartiles of 1..8 by interpolation: 2.75 and 6.25, IQR 3.5; factor 3 -> fences -7.75 and 16.75.
    expect(iqrFences([1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([-7.75, 16.75]);
    const cleaned = removeOutliers({ values: [1, 2, 3, 4, 5, 6, 7, 8, 100], nanCount: 0, infiniteCount: 0, outlierCount: 0 }, 3);
    expect(cleaned.values).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cleaned.outlierCount).toBe(1);
  });
});
