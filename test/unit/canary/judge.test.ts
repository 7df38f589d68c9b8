import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanarySpec } from '../../../shared/bundle/manifest';
import { classifyMannWhitney, defaultClassifierConfig } from '../../../shared/canary/classifier';
import { judgeCanarySpec, judgeMetric, metricConfigFromSpec, summarizeJudgement } from '../../../shared/canary/judge';
import { gaussian, mulberry32 } from '../../../shared/random';

/** A query_range response with one series per track, from a seeded generator. */
function rangeResponse(tracks: Record<string, (i: number) => string>, points = 60): string {
  const start = 1_763_647_320; // 2025-11-20T14:02:00Z
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: Object.entries(tracks).map(([track, value]) => ({
        metric: { __name__: 'm', track },
        values: Array.from({ length: points }, (_, i) => [start + i * 15, value(i)]),
      })),
    },
  });
}

function noisy(seed: number, mean: number, sd: number): (i: number) => string {
  const normal = gaussian(mulberry32(seed));
  return () => String(Math.max(0, mean + sd * normal()));
}

const spec: CanarySpec = {
  metrics: [
    { name: 'http_p99_latency_seconds', file: 'metrics/latency.json', direction: 'increase', critical: true, group: 'latency' },
    { name: 'http_error_ratio', file: 'metrics/errors.json', direction: 'increase', group: 'errors' },
  ],
  selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  groupWeights: { latency: 60, errors: 40 },
  thresholds: { pass: 95, marginal: 75 },
};

describe('judgeCanarySpec', () => {
  const files: Record<string, string> = {
    'metrics/latency.json': rangeResponse({ canary: noisy(1, 0.9, 0.05), baseline: noisy(2, 0.3, 0.05) }),
    'metrics/errors.json': rangeResponse({ canary: noisy(3, 0.01, 0.002), baseline: noisy(4, 0.01, 0.002) }),
  };

  it('finds a critical latency regression and fails the canary, saying why', () => {
    const j = judgeCanarySpec(spec, (p) => files[p]);
    const latency = j.metrics.find((m) => m.name === 'http_p99_latency_seconds')!;
    expect(latency.classification).toBe('High');
    expect(latency.critical).toBe(true);
    expect(latency.interval![0]).toBeGreaterThan(latency.toleranceBand![1]);
    expect(latency.estimate).toBeGreaterThan(0.5);
    expect(latency.effectSize.value).toBeGreaterThan(2.5);
    expect(latency.settings.tolerance).toBe(0.25);
    expect(latency.settings.confLevel).toBe(0.98);
    expect(j.metrics.find((m) => m.name === 'http_error_ratio')!.classification).toBe('Pass');
    expect(j.score).toBe(0);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/Critical metric "http_p99_latency_seconds" failed: High \(critical\): the 98% interval/);
    expect(j.groups.map((g) => [g.name, g.score])).toEqual([
      ['errors', 100],
      ['latency', 0],
    ]);
  });

  it('passes when the canary behaves like the baseline', () => {
    const same = { 'metrics/latency.json': rangeResponse({ canary: noisy(5, 0.3, 0.05), baseline: noisy(6, 0.3, 0.05) }), 'metrics/errors.json': files['metrics/errors.json']! };
    const j = judgeCanarySpec(spec, (p) => same[p as keyof typeof same]);
    expect(j.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass']);
    expect(j.score).toBe(100);
    expect(j.verdict).toBe('pass');
  });

  it('is deterministic', () => {
    const a = judgeCanarySpec(spec, (p) => files[p]);
    const b = judgeCanarySpec(spec, (p) => files[p]);
    expect(b).toEqual(a);
  });

  it('turns a missing or broken file into an Error that explains itself', () => {
    const j = judgeCanarySpec(spec, (p) => (p === 'metrics/errors.json' ? '{"status":"success","data":{"resultType":"vector","result":[]}}' : files[p]));
    const errors = j.metrics.find((m) => m.name === 'http_error_ratio')!;
    expect(errors.classification).toBe('Error');
    expect(errors.reason).toMatch(/metrics\/errors.json: "data.resultType" must be "matrix"/);
    const missing = judgeCanarySpec(spec, (p) => (p === 'metrics/latency.json' ? undefined : files[p]));
    const latency = missing.metrics[0]!;
    expect(latency.classification).toBe('Error');
    expect(latency.critical).toBe(true);
    expect(missing.verdict).toBe('fail');
    expect(latency.reason).toMatch(/not in the bundle/);
  });

  it('reports NaN and infinite values it removed, and unmatched selectors', () => {
    const withGaps = rangeResponse({ canary: (i) => (i % 10 === 0 ? 'NaN' : i === 7 ? '+Inf' : '0.3'), baseline: (i) => String(0.3 + (i % 3) * 0.01) });
    const j = judgeCanarySpec({ ...spec, metrics: [spec.metrics[0]!] }, () => withGaps);
    const m = j.metrics[0]!;
    expect(m.canary.nanCount).toBe(6);
    expect(m.canary.infiniteCount).toBe(1);
    expect(m.canary.summary.count).toBe(53);
    expect(m.reason).toMatch(/6 NaN canary values removed; 1 infinite canary value dropped/);

    const wrongSelector = judgeCanarySpec({ ...spec, selectors: { canary: { track: 'canary-v2' }, baseline: { track: 'baseline' } } }, (p) => files[p]);
    expect(wrongSelector.metrics[0]!.classification).toBe('Nodata');
    expect(wrongSelector.metrics[0]!.reason).toMatch(/no series matched the canary selector \{track="canary-v2"\}/);
  });

  it('summarizes to the CLI shape', () => {
    const s = summarizeJudgement(judgeCanarySpec(spec, (p) => files[p]));
    expect(Object.keys(s)).toEqual(['verdict', 'score', 'reason', 'groups', 'metrics', 'warnings']);
    expect(s.metrics[0]).toMatchObject({ name: 'http_p99_latency_seconds', classification: 'High', critical: true });
    expect(s.metrics[0]!.interval).toHaveLength(2);
    expect(s.metrics[0]!.effectSize!.measure).toBe('meanRatio');
  });

  it('maps manifest settings with Kayenta defaults', () => {
    const c = metricConfigFromSpec({ name: 'x', file: 'metrics/x.json', direction: 'decrease', effectSizeMeasure: 'cles', effectSizeThresholds: [0.3, 0.7] });
    expect(c).toMatchObject({ group: 'default', critical: false, tolerance: 0.25, confLevel: 0.98, nanStrategy: 'remove', classifier: 'MannWhitney', outlierFactor: null });
    expect(c.effectSize).toEqual({ measure: 'cles', allowedDecrease: 0.3, allowedIncrease: 0.7, criticalDecrease: 0.5, criticalIncrease: 0.5 });
  });

  it('reads mustHaveData and outlier settings when a manifest carries them', () => {
    const spec = { name: 'x', file: 'metrics/x.json', direction: 'either', mustHaveData: true, outliers: { strategy: 'remove' } } as unknown as Parameters<typeof metricConfigFromSpec>[0];
    const c = metricConfigFromSpec(spec);
    expect(c.mustHaveData).toBe(true);
    expect(c.outlierFactor).toBe(3);
    const r = judgeMetric(c, [], [1, 2, 3]);
    expect(r.classification).toBe('NodataFailMetric');
    expect(r.critical).toBe(false);
    expect(r.reason).toMatch(/must have data/);
  });

  it('removes outliers beyond 3 IQR when asked', () => {
    const config = { ...metricConfigFromSpec(spec.metrics[1]!), outlierFactor: 3 };
    const base = Array.from({ length: 40 }, (_, i) => 1 + (i % 5) * 0.01);
    const r = judgeMetric(config, [...base, 50], base);
    expect(r.canary.outlierCount).toBe(1);
    expect(r.classification).toBe('Pass');
    expect(r.preprocessing).toBe('1 canary outlier removed');
  });
});

describe('properties', () => {
  // Values on a scale well above R's root tolerance (1e-4, absolute): below it the limits are
  // only known to +-1e-4 in R and Kayenta too, and the explanation says so.
  const sample = fc.array(fc.double({ min: 1, max: 1000, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 });

  it('swapping canary and baseline swaps High and Low', () => {
    const mirror = { High: 'Low', Low: 'High', Pass: 'Pass', Nodata: 'Nodata', NodataFailMetric: 'NodataFailMetric', Error: 'Error' } as const;
    fc.assert(
      // Positive metrics (latencies, rates): the mean ratio r mirrors to 1/r only when the means
      // share a sign, as in Kayenta.
      fc.property(sample, sample, fc.double({ min: 0.1, max: 10, noNaN: true }), (a, b, factor) => {
        const canary = a.map((v) => v * factor);
        const config = defaultClassifierConfig();
        const forward = classifyMannWhitney(b, canary, config);
        const backward = classifyMannWhitney(canary, b, config);
        expect(backward.classification).toBe(mirror[forward.classification]);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });

  it('gives the same verdict for the same input, noise included', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.double({ min: 0.001, max: 100, noNaN: true }), fc.integer({ min: 1, max: 30 }), (x, y, n) => {
        const canary = Array(n).fill(x);
        const baseline = Array(n).fill(y);
        const config = defaultClassifierConfig();
        expect(classifyMannWhitney(baseline, canary, config)).toEqual(classifyMannWhitney(baseline, canary, config));
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it('keeps the interval ordered around the estimate on continuous data', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        fc.pre(new Set([...a, ...b]).size > 2);
        const r = classifyMannWhitney(b, a, defaultClassifierConfig());
        if (r.interval) {
          expect(r.interval[0]).toBeLessThanOrEqual(r.estimate! + 2e-4);
          expect(r.interval[1]).toBeGreaterThanOrEqual(r.estimate! - 2e-4);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
