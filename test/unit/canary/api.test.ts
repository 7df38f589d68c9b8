import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callContext } from '../../../electron/api/dispatch';
import { canaryHandlers, thinSeries, toWire } from '../../../electron/api/handlers/canary';
import { closeOpenBundle, openBundleForUi } from '../../../electron/services/open-bundles';
import { createWorkbench } from '../../../electron/services/workbench';
import { methods } from '../../../shared/api/contract';

const home = mkdtempSync(join(tmpdir(), 'repro-canary-api-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'incident-checkout');

describe('canary API', () => {
  it('judges an open bundle and returns chart series with the verdict', async () => {
    const wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } });
    const opened = await openBundleForUi(wb, sample);
    try {
      const input = methods['canary.judge'].input.parse({ bundle: opened.handle, maxPoints: 20 });
      const view = await canaryHandlers['canary.judge'](input, callContext(wb, 'test'));
      expect(view.judgement.verdict).toBe('fail');
      expect(view.series.map((s) => s.name)).toEqual(['http_p99_latency_seconds', 'http_5xx_ratio']);
      const latency = view.series[0]!;
      expect(latency.canary).toHaveLength(1);
      expect(latency.canary[0]!.points.length).toBeLessThanOrEqual(20);
      expect(latency.canaryValues.length).toBe(latency.canary[0]!.totalPoints);
      // The payload survives JSON (the web host's transport) unchanged.
      expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    } finally {
      await closeOpenBundle(wb, opened.handle);
    }
  });

  it('refuses an unknown handle', async () => {
    const wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home } });
    await expect(canaryHandlers['canary.judge']({ bundle: 'nope', maxPoints: 100 }, callContext(wb, 'test'))).rejects.toThrow(/No open bundle/);
  });

  it('thins a series to its lows and highs per bucket, keeping spikes and gaps', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ t: i * 1000, v: i === 537 ? 99 : i >= 800 && i < 820 ? NaN : 1 + (i % 7) * 0.01 }));
    const thin = thinSeries({ labels: { track: 'canary' }, points }, 100);
    expect(thin.points.length).toBeLessThanOrEqual(100);
    expect(thin.totalPoints).toBe(1000);
    expect(thin.points.some(([, v]) => v === 99)).toBe(true);
    expect(thin.points.some(([, v]) => v === null)).toBe(true);
    const times = thin.points.map(([t]) => t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('sends NaN and infinities as null', () => {
    expect(toWire({ a: NaN, b: [1, Infinity], c: 'x', d: { e: -Infinity } })).toEqual({ a: null, b: [1, null], c: 'x', d: { e: null } });
  });
});
