/**
 * Scoring, after Kayenta's WeightedSumScorer and ThresholdScoreClassifier:
 *  - a group's score is 100 * Pass / (Pass + High + Low + NodataFailMetric); Nodata and Error are
 *    not counted; a group with nothing counted has no score and adds its full weight;
 *  - groups without a configured weight share what is left of 100 equally;
 *  - the summary is the weighted sum, rounded to 2 decimals;
 *  - a critical failure, or 50% or more of the metrics Nodata, scores 0;
 *  - the verdict is pass at or above the pass threshold, marginal at or above marginal, else fail.
 */
import type { Classification } from './classifier';
import { fmt } from './format';

export type Verdict = 'pass' | 'marginal' | 'fail';

export interface ScoredMetric {
  name: string;
  group: string;
  classification: Classification;
  critical: boolean;
  reason: string;
}

export interface GroupScore {
  name: string;
  /** 0..100; 0 when nothing in the group was counted (see `noData`). */
  score: number;
  noData: boolean;
  /** The weight this group carried in the summary (percent). */
  weight: number;
  counts: Record<Classification, number>;
  metricCount: number;
  explanation: string;
}

export interface ScoreResult {
  score: number;
  verdict: Verdict;
  /** One sentence. */
  reason: string;
  groups: GroupScore[];
  warnings: string[];
}

export interface Thresholds {
  pass: number;
  marginal: number;
}

export const NODATA_THRESHOLD_PERCENT = 50;

const emptyCounts = (): Record<Classification, number> => ({ Pass: 0, High: 0, Low: 0, Nodata: 0, NodataFailMetric: 0, Error: 0 });

/** Half-up rounding to 2 decimals, done on a decimal string so 0.125 rounds like Kayenta's. */
function round2(value: number): number {
  return Number(Math.round(Number(`${value}e2`)) + 'e-2');
}

export function scoreMetrics(metrics: readonly ScoredMetric[], groupWeights: Record<string, number>, thresholds: Thresholds): ScoreResult {
  const warnings: string[] = [];
  const byGroup = new Map<string, ScoredMetric[]>();
  for (const m of metrics) {
    const list = byGroup.get(m.group) ?? [];
    list.push(m);
    byGroup.set(m.group, list);
  }

  const weightSum = Object.values(groupWeights).reduce((a, b) => a + b, 0);
  const unweighted = [...byGroup.keys()].filter((g) => !(g in groupWeights));
  const sharedWeight = unweighted.length > 0 ? (100 - weightSum) / unweighted.length : 0;
  for (const g of Object.keys(groupWeights)) {
    if (!byGroup.has(g)) warnings.push(`Group "${g}" has weight ${fmt(groupWeights[g]!)} but no metric; its share of the score is lost (as in Kayenta).`);
  }
  if (unweighted.length === 0 && weightSum !== 100 && metrics.length > 0) {
    warnings.push(`Group weights add up to ${fmt(weightSum)}, not 100.`);
  }
  if (unweighted.length > 0 && weightSum > 100) {
    warnings.push(`Group weights add up to ${fmt(weightSum)}, leaving nothing for ${unweighted.join(', ')}.`);
  }

  const groups: GroupScore[] = [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => {
      const counts = emptyCounts();
      for (const m of list) counts[m.classification]++;
      const counted = counts.Pass + counts.High + counts.Low + counts.NodataFailMetric;
      const noData = counted === 0;
      const score = noData ? 0 : (counts.Pass / counted) * 100;
      const weight = groupWeights[name] ?? sharedWeight;
      const explanation = noData
        ? `No metric of "${name}" could be counted (${list.length} without data or in error), so it adds its full weight ${fmt(weight)}.`
        : `${counts.Pass} of ${counted} counted metrics of "${name}" passed: ${fmt(score)} x weight ${fmt(weight)}%.`;
      return { name, score, noData, weight, counts, metricCount: list.length, explanation };
    });

  const classify = (score: number): Verdict => (score >= thresholds.pass ? 'pass' : score >= thresholds.marginal ? 'marginal' : 'fail');

  const criticalFailures = metrics.filter((m) => m.critical && m.classification !== 'Pass');
  if (criticalFailures.length > 0) {
    const first = criticalFailures[0]!;
    const others = criticalFailures.length > 1 ? ` (and ${criticalFailures.length - 1} more critical failures)` : '';
    return { score: 0, verdict: classify(0), groups, warnings,
      reason: `Critical metric "${first.name}" failed${others}: ${first.reason}` };
  }
  const nodata = metrics.filter((m) => m.classification === 'Nodata').length;
  if (metrics.length > 0 && (nodata / metrics.length) * 100 >= NODATA_THRESHOLD_PERCENT) {
    return { score: 0, verdict: classify(0), groups, warnings,
      reason: `${nodata} of ${metrics.length} metrics had no data (${NODATA_THRESHOLD_PERCENT}% or more), so the canary scores 0.` };
  }
  if (metrics.length === 0) {
    return { score: 0, verdict: classify(0), groups, warnings, reason: 'There are no metrics to judge.' };
  }

  let summary = 0;
  for (const g of groups) summary += (g.noData ? 100 : g.score) * (g.weight / 100);
  const score = round2(summary);
  const verdict = classify(score);
  const failing = metrics.filter((m) => m.classification === 'High' || m.classification === 'Low' || m.classification === 'NodataFailMetric');
  const which = failing.length > 0 ? `; not passing: ${failing.map((m) => `${m.name} (${m.classification})`).join(', ')}` : '';
  const standing =
    verdict === 'pass'
      ? `at or above the pass threshold ${fmt(thresholds.pass)}`
      : verdict === 'marginal'
        ? `below the pass threshold ${fmt(thresholds.pass)} but at or above the marginal threshold ${fmt(thresholds.marginal)}`
        : `below the marginal threshold ${fmt(thresholds.marginal)}`;
  return { score, verdict, groups, warnings, reason: `Score ${fmt(score)} is ${standing}${which}.` };
}
