/**
 * Metric classification, following Kayenta's MannWhitneyClassifier (kayenta-judge, the version
 * with effect sizes and critical thresholds). Given cleaned experiment (canary) and control
 * (baseline) values:
 *  1. no data on either side -> Nodata (NodataFailMetric when data is required but the metric is
 *     not critical); with NaN strategy "replace" a missing side passes instead, as in Kayenta;
 *  2. the same multiset of values, or one single value overall -> Pass;
 *  3. each side a single repeated value -> tiny Gaussian noise (seeded) so ranks are not all tied;
 *  4. Mann-Whitney interval for the shift experiment - control; the tolerance band is
 *     +-tolerance * |estimate|; High when the interval lies above the band (direction increase or
 *     either), Low when below (decrease or either);
 *  5. the effect size must also reach the allowed increase/decrease, else Pass; an undefined
 *     effect size (NaN: the control's mean is 0) does not veto the test;
 *  6. a critical metric whose effect also reaches the critical threshold is a critical failure.
 * Every result carries one sentence saying why.
 */
import { mean } from './descriptive';
import { effectSize, neutralEffect, type EffectSizeMeasure } from './effectSize';
import { fmt, fmtPercent } from './format';
import { wilcoxonSorted } from './mannWhitney';
import { DEFAULT_NOISE_SEED, gaussian, mulberry32 } from '../random';
import type { NanStrategy } from './transforms';

export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

export interface EffectSizeConfig {
  measure: EffectSizeMeasure;
  /** High needs effect >= allowedIncrease. */
  allowedIncrease: number;
  /** Low needs effect <= allowedDecrease. */
  allowedDecrease: number;
  /** A critical High needs effect >= criticalIncrease. */
  criticalIncrease: number;
  /** A critical Low needs effect <= criticalDecrease. */
  criticalDecrease: number;
}

export interface ClassifierConfig {
  tolerance: number;
  confLevel: number;
  direction: Direction;
  nanStrategy: NanStrategy;
  critical: boolean;
  mustHaveData: boolean;
  effectSize: EffectSizeConfig;
  /** Seed for the noise added to all-tied samples. */
  noiseSeed?: number;
  /** Words used in reasons, e.g. canary/baseline or reproduction/incident canary. */
  labels?: { experiment: string; control: string };
}

export const KAYENTA_DEFAULT_TOLERANCE = 0.25;
/** R's wilcox.test tol.root, which Kayenta inherits: an absolute tolerance on the limits. */
export const ROOT_TOLERANCE = 1e-4;
export const KAYENTA_DEFAULT_CONFIDENCE = 0.98;

export function defaultEffectSizeConfig(measure: EffectSizeMeasure = 'meanRatio'): EffectSizeConfig {
  const neutral = neutralEffect(measure);
  return { measure, allowedIncrease: neutral, allowedDecrease: neutral, criticalIncrease: neutral, criticalDecrease: neutral };
}

export function defaultClassifierConfig(overrides: Partial<ClassifierConfig> = {}): ClassifierConfig {
  return {
    tolerance: KAYENTA_DEFAULT_TOLERANCE,
    confLevel: KAYENTA_DEFAULT_CONFIDENCE,
    direction: 'either',
    nanStrategy: 'remove',
    critical: false,
    mustHaveData: false,
    effectSize: defaultEffectSizeConfig(overrides.effectSize?.measure),
    ...overrides,
  };
}

export interface MetricClassification {
  classification: Classification;
  /** True when this result fails the whole canary (Kayenta's `critical`). */
  critical: boolean;
  /** One sentence. */
  reason: string;
  /** Effect size value (Kayenta's `deviation`); NaN when undefined. */
  effectSize: number;
  effectSizeMeasure: EffectSizeMeasure;
  /** Confidence interval for the location shift experiment - control, when the test ran. */
  interval?: [number, number];
  /** Location-shift estimate, when the test ran. */
  estimate?: number;
  /** [-tolerance * |estimate|, +tolerance * |estimate|], when the test ran. */
  toleranceBand?: [number, number];
  pValue?: number;
  /** True when seeded noise was added because each side was one repeated value. */
  noiseAdded: boolean;
}

const reachesIncrease = (effect: number, threshold: number) => Number.isNaN(effect) || effect >= threshold;
const reachesDecrease = (effect: number, threshold: number) => Number.isNaN(effect) || effect <= threshold;

function sameSorted(sa: Float64Array, sb: Float64Array): boolean {
  if (sa.length !== sb.length) return false;
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  return true;
}

function distinctCount(values: readonly number[], limit: number): number {
  const seen = new Set<number>();
  for (const v of values) {
    seen.add(v);
    if (seen.size > limit) break;
  }
  return seen.size;
}

function effectName(measure: EffectSizeMeasure): string {
  return measure === 'cles' ? 'CLES' : 'mean ratio';
}

export function classifyMannWhitney(
  control: readonly number[],
  experiment: readonly number[],
  config: ClassifierConfig,
): MetricClassification {
  const labels = config.labels ?? { experiment: 'canary', control: 'baseline' };
  const measure = config.effectSize.measure;
  const neutral = neutralEffect(measure);
  const base = { effectSizeMeasure: measure, noiseAdded: false };

  if (experiment.length === 0 || control.length === 0) {
    const missing = [experiment.length === 0 ? labels.experiment : '', control.length === 0 ? labels.control : '']
      .filter(Boolean)
      .join(' and ');
    if (config.nanStrategy === 'remove') {
      if (config.mustHaveData && !config.critical) {
        return { ...base, classification: 'NodataFailMetric', critical: false, effectSize: neutral,
          reason: `No ${missing} data, and this metric must have data, so it counts as a failure in its group.` };
      }
      return { ...base, classification: 'Nodata', critical: config.critical, effectSize: neutral,
        reason: `No ${missing} data${config.critical ? ', and the metric is critical, so the canary fails' : ', so the metric is left out of its group score'}.` };
    }
    return { ...base, classification: 'Pass', critical: false, effectSize: neutral,
      reason: `No ${missing} data, but NaN values are replaced rather than removed, so the metric passes (as in Kayenta).` };
  }

  // Sorted once here, reused by the test (sorting is a large share of the judge's time).
  let sortedExperiment = Float64Array.from(experiment).sort();
  let sortedControl = Float64Array.from(control).sort();
  if (sameSorted(sortedExperiment, sortedControl)) {
    return { ...base, classification: 'Pass', critical: false, effectSize: neutral,
      reason: `The ${labels.experiment} and ${labels.control} data are identical.` };
  }
  if (distinctCount(experiment, 1) === 1 && distinctCount(control, 1) === 1 && experiment[0] === control[0]) {
    return { ...base, classification: 'Pass', critical: false, effectSize: neutral,
      reason: `Every ${labels.experiment} and ${labels.control} value is ${fmt(experiment[0]!)}.` };
  }

  try {
    let x = experiment;
    let y = control;
    let noiseAdded = false;
    if (distinctCount(experiment, 1) === 1 && distinctCount(control, 1) === 1) {
      // All ranks would be tied: jitter each side by 1e-5 of its value (Kayenta), from a fixed seed.
      const normal = gaussian(mulberry32(config.noiseSeed ?? DEFAULT_NOISE_SEED));
      const jitter = (values: readonly number[]) => {
        const scale = Math.abs(values[0]!) * 1e-5;
        return values.map((v) => v + normal() * scale);
      };
      x = jitter(experiment);
      y = jitter(control);
      sortedExperiment = Float64Array.from(x).sort();
      sortedControl = Float64Array.from(y).sort();
      noiseAdded = true;
    }

    const test = wilcoxonSorted(sortedExperiment, sortedControl, { confLevel: config.confLevel, correct: true, tolRoot: ROOT_TOLERANCE });
    const [lower, upper] = test.confidenceInterval;
    const bandHalf = config.tolerance * Math.abs(test.estimate);
    const band: [number, number] = [-bandHalf, bandHalf];
    const effect = effectSize(measure, y, x);
    const found = { ...base, noiseAdded, interval: test.confidenceInterval, estimate: test.estimate,
      toleranceBand: band, pValue: test.pValue, effectSize: effect };

    const level = fmtPercent(config.confLevel);
    // R finds the limits to an absolute 1e-4; on data of that scale they are that fuzzy.
    const fuzzy = upper - lower < 10 * ROOT_TOLERANCE ? `, limits known to ±${fmt(ROOT_TOLERANCE)} only` : '';
    const intervalText = `the ${level} interval [${fmt(lower)}, ${fmt(upper)}] for the shift (estimate ${fmt(test.estimate)}${fuzzy})`;
    const bandText = `the tolerance band ±${fmt(bandHalf)} (${fmtPercent(config.tolerance)} of the estimate)`;
    const effectText = `${effectName(measure)} ${fmt(effect)}${Number.isNaN(effect) ? ' (undefined: a mean is 0)' : ''}`;
    const allowsIncrease = config.direction === 'increase' || config.direction === 'either';
    const allowsDecrease = config.direction === 'decrease' || config.direction === 'either';

    const above = lower > bandHalf;
    const below = upper < -bandHalf;

    if (above && !allowsIncrease) {
      return { ...found, classification: 'Pass', critical: false,
        reason: `The ${labels.experiment} is higher (${intervalText} lies above ${bandText}), but only a decrease counts as bad for this metric.` };
    }
    if (below && !allowsDecrease) {
      return { ...found, classification: 'Pass', critical: false,
        reason: `The ${labels.experiment} is lower (${intervalText} lies below ${bandText}), but only an increase counts as bad for this metric.` };
    }
    if (above) {
      if (!reachesIncrease(effect, config.effectSize.allowedIncrease)) {
        return { ...found, classification: 'Pass', critical: false,
          reason: `The ${labels.experiment} is higher (${intervalText} lies above ${bandText}), but its ${effectText} is below the allowed increase ${fmt(config.effectSize.allowedIncrease)}.` };
      }
      const critical = config.critical && reachesIncrease(effect, config.effectSize.criticalIncrease);
      return { ...found, classification: 'High', critical,
        reason: `High${critical ? ' (critical)' : ''}: ${intervalText} lies above ${bandText}, and the ${effectText} reaches the allowed increase ${fmt(config.effectSize.allowedIncrease)}${critical ? ` and the critical increase ${fmt(config.effectSize.criticalIncrease)}` : ''}.` };
    }
    if (below) {
      if (!reachesDecrease(effect, config.effectSize.allowedDecrease)) {
        return { ...found, classification: 'Pass', critical: false,
          reason: `The ${labels.experiment} is lower (${intervalText} lies below ${bandText}), but its ${effectText} is above the allowed decrease ${fmt(config.effectSize.allowedDecrease)}.` };
      }
      const critical = config.critical && reachesDecrease(effect, config.effectSize.criticalDecrease);
      return { ...found, classification: 'Low', critical,
        reason: `Low${critical ? ' (critical)' : ''}: ${intervalText} lies below ${bandText}, and the ${effectText} reaches the allowed decrease ${fmt(config.effectSize.allowedDecrease)}${critical ? ` and the critical decrease ${fmt(config.effectSize.criticalDecrease)}` : ''}.` };
    }
    return { ...found, classification: 'Pass', critical: false,
      reason: `Pass: ${intervalText} overlaps ${bandText}, so the ${labels.experiment} and ${labels.control} are not told apart.` };
  } catch (error) {
    return { ...base, classification: 'Error', critical: config.critical, effectSize: NaN,
      reason: `Classification failed: ${error instanceof Error ? error.message : String(error)}.` };
  }
}

/** Kayenta's simplest classifier: compares the two means. Kept for its test cases and as a sanity check. */
export function classifyMeanInequality(control: readonly number[], experiment: readonly number[]): MetricClassification {
  const base = { effectSizeMeasure: 'meanRatio' as const, noiseAdded: false, critical: false };
  if (experiment.length === 0 || control.length === 0) {
    return { ...base, classification: 'Nodata', effectSize: 1, reason: 'No data on one side.' };
  }
  const e = mean(experiment);
  const c = mean(control);
  const ratio = c === 0 ? NaN : e / c;
  if (e > c) return { ...base, classification: 'High', effectSize: ratio, reason: `The canary mean ${fmt(e)} is above the baseline mean ${fmt(c)}.` };
  if (e < c) return { ...base, classification: 'Low', effectSize: ratio, reason: `The canary mean ${fmt(e)} is below the baseline mean ${fmt(c)}.` };
  return { ...base, classification: 'Pass', effectSize: ratio, reason: `The canary and baseline means are both ${fmt(e)}.` };
}
