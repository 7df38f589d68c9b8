/**
 * The canary judge: Kayenta's NetflixACAJudge flow with an explanation on every metric.
 * Per metric: NaN strategy (remove / replace by 0), optional IQR outlier removal, classification
 * (Mann-Whitney by default), then group scores, weights and the pass/marginal/fail verdict.
 * Pure: the caller reads the files; `judgeCanarySpec` takes their text.
 */
import type { CanaryMetricSpec, CanarySpec } from '../bundle/manifest';
import {
  classifyMannWhitney,
  classifyMeanInequality,
  KAYENTA_DEFAULT_CONFIDENCE,
  KAYENTA_DEFAULT_TOLERANCE,
  type Classification,
  type Direction,
  type EffectSizeConfig,
  type MetricClassification,
} from './classifier';
import { summarize, type SummaryStatistics } from './descriptive';
import { neutralEffect, type EffectSizeMeasure } from './effectSize';
import { fmt } from './format';
import {
  formatSelector,
  MetricImportError,
  parsePrometheusText,
  pooledValues,
  selectSeries,
  type LabelSelector,
  type MetricSeries,
} from './prometheus';
import { DEFAULT_NOISE_SEED } from '../random';
import { scoreMetrics, type GroupScore, type Thresholds, type Verdict } from './scorer';
import { handleNaNs, removeOutliers, type CleanedSample, type NanStrategy } from './transforms';

export const DEFAULT_GROUP = 'default';
export const DEFAULT_THRESHOLDS: Thresholds = { pass: 95, marginal: 75 };
/** Kayenta's NetflixACAJudge uses IQRDetector(factor = 3.0) when outlier removal is on. */
export const KAYENTA_OUTLIER_FACTOR = 3;

export interface CanaryMetricConfig {
  name: string;
  group: string;
  direction: Direction;
  critical: boolean;
  mustHaveData: boolean;
  classifier: 'MannWhitney' | 'MeanInequality';
  tolerance: number;
  confLevel: number;
  nanStrategy: NanStrategy;
  effectSize: EffectSizeConfig;
  /** IQR fence factor for outlier removal, or null to keep outliers (Kayenta's default). */
  outlierFactor: number | null;
}

/**
 * Settings for one metric from its manifest entry, with Kayenta's judge defaults (tolerance 0.25,
 * confidence 0.98, thresholds at the measure's neutral value).
 */
export function metricConfigFromSpec(spec: CanaryMetricSpec): CanaryMetricConfig {
  const extra = spec;
  const measure: EffectSizeMeasure = spec.effectSizeMeasure ?? 'meanRatio';
  const neutral = neutralEffect(measure);
  const [allowedDecrease, allowedIncrease] = spec.effectSizeThresholds ?? [neutral, neutral];
  const [criticalDecrease, criticalIncrease] = spec.criticalThresholds ?? [neutral, neutral];
  const outliersRemoved = extra.outliers !== undefined && extra.outliers.strategy !== 'keep';
  return {
    name: spec.name,
    group: spec.group ?? DEFAULT_GROUP,
    direction: spec.direction,
    critical: spec.critical ?? false,
    mustHaveData: extra.mustHaveData ?? false,
    classifier: spec.classifier ?? 'MannWhitney',
    tolerance: spec.tolerance ?? KAYENTA_DEFAULT_TOLERANCE,
    confLevel: spec.confLevel ?? KAYENTA_DEFAULT_CONFIDENCE,
    nanStrategy: spec.nanStrategy ?? 'remove',
    effectSize: { measure, allowedDecrease, allowedIncrease, criticalDecrease, criticalIncrease },
    outlierFactor: outliersRemoved ? (extra.outliers?.factor ?? KAYENTA_OUTLIER_FACTOR) : null,
  };
}

export interface SampleReport {
  /** Points before any cleaning. */
  rawCount: number;
  nanCount: number;
  infiniteCount: number;
  outlierCount: number;
  /** Statistics of the values that were judged. */
  summary: SummaryStatistics;
}

export interface MetricJudgement {
  name: string;
  group: string;
  classification: Classification;
  critical: boolean;
  /** One sentence saying why. */
  reason: string;
  interval?: [number, number];
  estimate?: number;
  toleranceBand?: [number, number];
  pValue?: number;
  effectSize: {
    measure: EffectSizeMeasure;
    value: number;
    allowedIncrease: number;
    allowedDecrease: number;
    criticalIncrease: number;
    criticalDecrease: number;
  };
  settings: Pick<CanaryMetricConfig, 'direction' | 'tolerance' | 'confLevel' | 'nanStrategy' | 'outlierFactor' | 'classifier' | 'critical' | 'mustHaveData'>;
  canary: SampleReport;
  baseline: SampleReport;
  noiseAdded: boolean;
  /** What was done to the data before the test, in words (empty when nothing). */
  preprocessing: string;
}

export interface JudgeOptions {
  noiseSeed?: number;
}

function clean(values: readonly number[], config: CanaryMetricConfig): CleanedSample {
  const withoutNaN = handleNaNs(values, config.nanStrategy);
  return config.outlierFactor === null ? withoutNaN : removeOutliers(withoutNaN, config.outlierFactor);
}

function report(raw: readonly number[], cleaned: CleanedSample): SampleReport {
  return {
    rawCount: raw.length,
    nanCount: cleaned.nanCount,
    infiniteCount: cleaned.infiniteCount,
    outlierCount: cleaned.outlierCount,
    summary: summarize(cleaned.values),
  };
}

function describePreprocessing(label: string, s: CleanedSample, strategy: NanStrategy): string[] {
  const parts: string[] = [];
  if (s.nanCount > 0) parts.push(`${s.nanCount} NaN ${label} value${s.nanCount === 1 ? '' : 's'} ${strategy === 'remove' ? 'removed' : 'replaced by 0'}`);
  if (s.infiniteCount > 0) parts.push(`${s.infiniteCount} infinite ${label} value${s.infiniteCount === 1 ? '' : 's'} dropped`);
  if (s.outlierCount > 0) parts.push(`${s.outlierCount} ${label} outlier${s.outlierCount === 1 ? '' : 's'} removed`);
  return parts;
}

/** Classifies one metric from its raw canary and baseline values. */
export function judgeMetric(
  config: CanaryMetricConfig,
  canaryValues: readonly number[],
  baselineValues: readonly number[],
  options: JudgeOptions = {},
): MetricJudgement {
  const canary = clean(canaryValues, config);
  const baseline = clean(baselineValues, config);
  const result: MetricClassification =
    config.classifier === 'MeanInequality'
      ? classifyMeanInequality(baseline.values, canary.values)
      : classifyMannWhitney(baseline.values, canary.values, {
          tolerance: config.tolerance,
          confLevel: config.confLevel,
          direction: config.direction,
          nanStrategy: config.nanStrategy,
          critical: config.critical,
          mustHaveData: config.mustHaveData,
          effectSize: config.effectSize,
          noiseSeed: options.noiseSeed ?? DEFAULT_NOISE_SEED,
        });
  const preprocessing = [
    ...describePreprocessing('canary', canary, config.nanStrategy),
    ...describePreprocessing('baseline', baseline, config.nanStrategy),
  ].join('; ');
  return {
    name: config.name,
    group: config.group,
    classification: result.classification,
    critical: result.critical,
    reason: result.reason,
    ...(result.interval ? { interval: result.interval } : {}),
    ...(result.estimate !== undefined ? { estimate: result.estimate } : {}),
    ...(result.toleranceBand ? { toleranceBand: result.toleranceBand } : {}),
    ...(result.pValue !== undefined ? { pValue: result.pValue } : {}),
    effectSize: { ...config.effectSize, value: result.effectSize },
    settings: settingsOf(config),
    canary: report(canaryValues, canary),
    baseline: report(baselineValues, baseline),
    noiseAdded: result.noiseAdded,
    preprocessing,
  };
}

/** The settings a judgement reports, so its explanation says what it was judged with. */
function settingsOf(config: CanaryMetricConfig): MetricJudgement['settings'] {
  return {
    direction: config.direction,
    tolerance: config.tolerance,
    confLevel: config.confLevel,
    nanStrategy: config.nanStrategy,
    outlierFactor: config.outlierFactor,
    classifier: config.classifier,
    critical: config.critical,
    mustHaveData: config.mustHaveData,
  };
}

/** A metric whose data could not even be read: it is an Error, critical if the metric is. */
export function metricError(config: CanaryMetricConfig, message: string): MetricJudgement {
  const empty = report([], { values: [], nanCount: 0, infiniteCount: 0, outlierCount: 0 });
  return {
    name: config.name,
    group: config.group,
    classification: 'Error',
    critical: config.critical,
    reason: `Could not read the metric: ${message}`,
    effectSize: { ...config.effectSize, value: NaN },
    settings: settingsOf(config),
    canary: empty,
    baseline: empty,
    noiseAdded: false,
    preprocessing: '',
  };
}

export interface CanaryJudgement {
  verdict: Verdict;
  score: number;
  /** One sentence for the whole canary. */
  reason: string;
  thresholds: Thresholds;
  groups: GroupScore[];
  metrics: MetricJudgement[];
  warnings: string[];
}

export function scoreJudgements(
  metrics: MetricJudgement[],
  groupWeights: Record<string, number> = {},
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): CanaryJudgement {
  const scored = scoreMetrics(metrics, groupWeights, thresholds);
  return { verdict: scored.verdict, score: scored.score, reason: scored.reason, thresholds, groups: scored.groups, metrics, warnings: scored.warnings };
}

export interface MetricData {
  config: CanaryMetricConfig;
  canary: MetricSeries[];
  baseline: MetricSeries[];
  /** Set when the metric's file could not be read or parsed. */
  error?: string;
}

/**
 * Picks each metric's canary and baseline series out of its file by the spec's selectors.
 * `fileText(path)` returns the file's text, or undefined when the bundle has no such file.
 */
export function importCanaryMetrics(spec: CanarySpec, fileText: (path: string) => string | undefined): MetricData[] {
  const parsed = new Map<string, MetricSeries[] | Error>();
  const seriesOf = (path: string): MetricSeries[] => {
    let entry = parsed.get(path);
    if (entry === undefined) {
      const text = fileText(path);
      try {
        if (text === undefined) throw new MetricImportError(path, 'the file is not in the bundle');
        entry = parsePrometheusText(text, path);
      } catch (error) {
        entry = error instanceof Error ? error : new Error(String(error));
      }
      parsed.set(path, entry);
    }
    if (entry instanceof Error) throw entry;
    return entry;
  };
  return spec.metrics.map((metricSpec) => {
    const config = metricConfigFromSpec(metricSpec);
    try {
      const all = seriesOf(metricSpec.file);
      return { config, canary: selectSeries(all, spec.selectors.canary), baseline: selectSeries(all, spec.selectors.baseline) };
    } catch (error) {
      return { config, canary: [], baseline: [], error: (error as Error).message };
    }
  });
}

/** Judges metrics already imported (see importCanaryMetrics). */
export function judgeMetricData(
  data: readonly MetricData[],
  selectors: { canary: LabelSelector; baseline: LabelSelector },
  groupWeights: Record<string, number> = {},
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  options: JudgeOptions = {},
): CanaryJudgement {
  const judged = data.map((d) => {
    if (d.error !== undefined) return metricError(d.config, d.error);
    const result = judgeMetric(d.config, pooledValues(d.canary), pooledValues(d.baseline), options);
    const notes: string[] = [];
    if (d.canary.length === 0) notes.push(`no series matched the canary selector ${formatSelector(selectors.canary)}`);
    if (d.baseline.length === 0) notes.push(`no series matched the baseline selector ${formatSelector(selectors.baseline)}`);
    if (d.canary.length > 1) notes.push(`${d.canary.length} canary series pooled`);
    if (d.baseline.length > 1) notes.push(`${d.baseline.length} baseline series pooled`);
    if (result.preprocessing) notes.push(result.preprocessing);
    return notes.length > 0 ? { ...result, reason: `${result.reason} (${notes.join('; ')})` } : result;
  });
  return scoreJudgements(judged, groupWeights, thresholds);
}

/** The whole canary section of a manifest, from the text of its metric files. */
export function judgeCanarySpec(spec: CanarySpec, fileText: (path: string) => string | undefined, options: JudgeOptions = {}): CanaryJudgement {
  return judgeMetricData(importCanaryMetrics(spec, fileText), spec.selectors, spec.groupWeights ?? {}, spec.thresholds ?? DEFAULT_THRESHOLDS, options);
}

/** The CLI's and the record's compact form of a judgement. */
export interface CanaryVerdictSummary {
  verdict: Verdict;
  score: number;
  reason: string;
  groups: { name: string; score: number }[];
  metrics: {
    name: string;
    classification: Classification;
    critical: boolean;
    interval?: [number, number];
    estimate?: number;
    effectSize?: { measure: EffectSizeMeasure; value: number | null };
    reason: string;
  }[];
  warnings: string[];
}

export function summarizeJudgement(j: CanaryJudgement): CanaryVerdictSummary {
  return {
    verdict: j.verdict,
    score: j.score,
    reason: j.reason,
    groups: j.groups.map((g) => ({ name: g.name, score: g.score })),
    metrics: j.metrics.map((m) => ({
      name: m.name,
      classification: m.classification,
      critical: m.critical,
      ...(m.interval ? { interval: m.interval } : {}),
      ...(m.estimate !== undefined ? { estimate: m.estimate } : {}),
      ...(m.interval ? { effectSize: { measure: m.effectSize.measure, value: Number.isNaN(m.effectSize.value) ? null : m.effectSize.value } } : {}),
      reason: m.reason,
    })),
    warnings: j.warnings,
  };
}

export { fmt as formatNumber };
