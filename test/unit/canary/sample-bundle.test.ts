/**
 * The sample incident shipped in examples/ (pricing 2.14.0 on the canary track): the judge must
 * find its latency and error regressions, fail the canary and say why, from the bundle as shipped.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../../electron/services/bundles/open';
import { importBundleMetrics, judgeBundle } from '../../../electron/services/canary/judge-bundle';
import { judgeReproduction } from '../../../shared/canary/reproduction';
import { pooledValues } from '../../../shared/canary/prometheus';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'incident-checkout');

describe('the sample incident bundle', () => {
  it('shows a critical latency regression on the canary and fails', async () => {
    const bundle = await openBundle(sample);
    const j = judgeBundle(bundle.root, bundle.manifest, sample);
    const latency = j.metrics.find((m) => m.name === 'http_p99_latency_seconds')!;
    expect(latency.classification).toBe('High');
    expect(latency.critical).toBe(true);
    expect(latency.interval![0]).toBeGreaterThan(latency.toleranceBand![1]);
    expect(latency.canary.summary.median).toBeGreaterThan(latency.baseline.summary.median * 3);
    expect(j.verdict).toBe('fail');
    expect(j.score).toBe(0);
    expect(j.reason).toMatch(/^Critical metric "http_p99_latency_seconds" failed/);
  });

  it('tells a reproduction that shows the regression from one that does not', async () => {
    const bundle = await openBundle(sample);
    const [latency] = importBundleMetrics(bundle.root, bundle.manifest, sample);
    const canary = pooledValues(latency!.canary);
    const baseline = pooledValues(latency!.baseline);
    expect(judgeReproduction({ reproSamples: canary.slice(0, 30), incidentCanary: canary, incidentBaseline: baseline }).verdict).toBe('like-canary');
    expect(judgeReproduction({ reproSamples: baseline.slice(10, 40), incidentCanary: canary, incidentBaseline: baseline }).verdict).toBe('like-baseline');
  });
});
