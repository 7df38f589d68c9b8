/**
 * Kayenta's own classifier suite (ClassifierSuite.scala, converted to JSON; see
 * test/fixtures/canary/ATTRIBUTION.md): every case must give Kayenta's asserted result.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  classifyMannWhitney,
  classifyMeanInequality,
  type ClassifierConfig,
  type Direction,
} from '../../../shared/canary/classifier';
import type { EffectSizeMeasure } from '../../../shared/canary/effectSize';
import { handleNaNs, type NanStrategy } from '../../../shared/canary/transforms';

interface KayentaCase {
  name: string;
  classifier: 'MannWhitney' | 'MeanInequality';
  experiment: (number | null)[];
  control: (number | null)[];
  tolerance: number | null;
  confLevel: number | null;
  effectSizeThresholds: [number, number] | null;
  criticalThresholds: [number, number] | null;
  effectSizeMeasure: EffectSizeMeasure | null;
  direction: Direction;
  nanStrategy: NanStrategy;
  isCriticalMetric: boolean;
  expected: {
    classification: string;
    critical?: boolean;
    deviationIsNaN?: boolean;
    deviation?: number;
    reasonNonEmpty?: boolean;
  };
}

const casesPath = fileURLToPath(new URL('../../fixtures/canary/kayenta-classifier-cases.json', import.meta.url));
const cases = JSON.parse(readFileSync(casesPath, 'utf8')) as KayentaCase[];
const toNumbers = (values: (number | null)[]) => values.map((v) => (v === null ? NaN : v));

describe('Kayenta classifier cases', () => {
  it('has all 37 cases', () => {
    expect(cases).toHaveLength(37);
  });

  for (const c of cases) {
    it(c.name, () => {
      const experiment = handleNaNs(toNumbers(c.experiment), c.nanStrategy).values;
      const control = handleNaNs(toNumbers(c.control), c.nanStrategy).values;
      const result =
        c.classifier === 'MeanInequality'
          ? classifyMeanInequality(control, experiment)
          : classifyMannWhitney(control, experiment, {
              tolerance: c.tolerance!,
              confLevel: c.confLevel!,
              direction: c.direction,
              nanStrategy: c.nanStrategy,
              critical: c.isCriticalMetric,
              mustHaveData: false,
              effectSize: {
                measure: c.effectSizeMeasure!,
                allowedDecrease: c.effectSizeThresholds![0],
                allowedIncrease: c.effectSizeThresholds![1],
                criticalDecrease: c.criticalThresholds![0],
                criticalIncrease: c.criticalThresholds![1],
              },
            } satisfies ClassifierConfig);

      expect(result.classification).toBe(c.expected.classification);
      if (c.expected.critical !== undefined) expect(result.critical).toBe(c.expected.critical);
      if (c.expected.deviationIsNaN) expect(result.effectSize).toBeNaN();
      if (c.expected.deviation !== undefined) expect(result.effectSize).toBe(c.expected.deviation);
      if (c.expected.reasonNonEmpty) expect(result.reason.length).toBeGreaterThan(0);
      // Every result explains itself, whatever Kayenta asserted.
      expect(result.reason).toMatch(/\S/);
    });
  }

  it('does not depend on the noise seed for the all-tied cases', () => {
    const tied = cases.filter((c) => c.name.startsWith('Mann-Whitney Tied Ranks'));
    expect(tied.length).toBe(2);
    for (const c of tied) {
      for (const seed of [1, 2, 3, 42, 0xdeadbeef]) {
        const result = classifyMannWhitney(toNumbers(c.control), toNumbers(c.experiment), {
          tolerance: c.tolerance!,
          confLevel: c.confLevel!,
          direction: c.direction,
          nanStrategy: c.nanStrategy,
          critical: c.isCriticalMetric,
          mustHaveData: false,
          noiseSeed: seed,
          effectSize: { measure: 'meanRatio', allowedDecrease: 1, allowedIncrease: 1, criticalDecrease: 1, criticalIncrease: 1 },
        });
        expect(result.classification).toBe(c.expected.classification);
        expect(result.noiseAdded).toBe(true);
      }
    }
  });
});
