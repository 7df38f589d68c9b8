/**
 * "Does the reproduction behave like the incident's canary rather than its baseline?"
 * The same classifier answers it three times:
 *   incident:   canary vs baseline           -> which way (and whether) the canary deviated;
 *   vsBaseline: reproduction vs baseline     -> does the reproduction deviate the same way?
 *   vsCanary:   reproduction vs canary       -> is the reproduction indistinguishable from it?
 * like-canary   when the reproduction deviates from the baseline as the canary did and is not
 *               told apart from the canary;
 * like-baseline when it is not told apart from the baseline and deviates from the canary the
 *               opposite way;
 * inconclusive  otherwise (including when the incident's canary did not deviate at all).
 * Samples must be in the same unit (e.g. seconds). Deterministic: noise, if any, is seeded.
 */
import { classifyMannWhitney, defaultClassifierConfig, defaultEffectSizeConfig, type ClassifierConfig, type Direction, type MetricClassification } from './classifier';
import { summarize, type SummaryStatistics } from './descriptive';
import type { EffectSizeMeasure } from './effectSize';
import { fmt } from './format';
import { handleNaNs } from './transforms';

export type ReproductionVerdict = 'like-canary' | 'like-baseline' | 'inconclusive';

export interface ReproductionInput {
  /** Values measured during the reproduction, e.g. replay latencies in seconds. */
  reproSamples: readonly number[];
  incidentCanary: readonly number[];
  incidentBaseline: readonly number[];
  /** Name shown in the explanation. */
  metric?: string;
  tolerance?: number;
  confLevel?: number;
  effectSizeMeasure?: EffectSizeMeasure;
  noiseSeed?: number;
}

export interface ReproductionJudgement {
  verdict: ReproductionVerdict;
  /** One or two sentences. */
  explanation: string;
  incident: MetricClassification;
  vsBaseline: MetricClassification;
  vsCanary: MetricClassification;
  summaries: { repro: SummaryStatistics; canary: SummaryStatistics; baseline: SummaryStatistics };
}

const opposite = (c: string) => (c === 'High' ? 'Low' : c === 'Low' ? 'High' : c);
const word = (c: string) => (c === 'High' ? 'higher' : c === 'Low' ? 'lower' : 'no different');

export function judgeReproduction(input: ReproductionInput): ReproductionJudgement {
  const metric = input.metric ?? 'the metric';
  const repro = handleNaNs(input.reproSamples, 'remove').values;
  const canary = handleNaNs(input.incidentCanary, 'remove').values;
  const baseline = handleNaNs(input.incidentBaseline, 'remove').values;
  const base: Omit<ClassifierConfig, 'labels'> = defaultClassifierConfig({
    direction: 'either' satisfies Direction,
    ...(input.tolerance !== undefined ? { tolerance: input.tolerance } : {}),
    ...(input.confLevel !== undefined ? { confLevel: input.confLevel } : {}),
    ...(input.noiseSeed !== undefined ? { noiseSeed: input.noiseSeed } : {}),
  });
  if (input.effectSizeMeasure) base.effectSize = defaultEffectSizeConfig(input.effectSizeMeasure);

  const incident = classifyMannWhitney(baseline, canary, { ...base, labels: { experiment: 'incident canary', control: 'incident baseline' } });
  const vsBaseline = classifyMannWhitney(baseline, repro, { ...base, labels: { experiment: 'reproduction', control: 'incident baseline' } });
  const vsCanary = classifyMannWhitney(canary, repro, { ...base, labels: { experiment: 'reproduction', control: 'incident canary' } });
  const summaries = { repro: summarize(repro), canary: summarize(canary), baseline: summarize(baseline) };
  const medians = `median ${fmt(summaries.repro.median)} in the reproduction, ${fmt(summaries.canary.median)} on the canary, ${fmt(summaries.baseline.median)} on the baseline`;

  let verdict: ReproductionVerdict;
  let explanation: string;
  const deviated = incident.classification === 'High' || incident.classification === 'Low';
  if (repro.length === 0 || canary.length === 0 || baseline.length === 0) {
    verdict = 'inconclusive';
    explanation = `Cannot compare ${metric}: ${repro.length === 0 ? 'the reproduction has no samples' : 'the incident has no canary or no baseline data'}.`;
  } else if (!deviated) {
    verdict = 'inconclusive';
    explanation = `The incident's canary did not deviate from its baseline on ${metric} (${incident.classification}), so there is nothing to tell apart (${medians}).`;
  } else if (vsBaseline.classification === incident.classification && vsCanary.classification === 'Pass') {
    verdict = 'like-canary';
    explanation = `The reproduction behaves like the incident's canary on ${metric}: it is ${word(incident.classification)} than the baseline as the canary was, and not told apart from the canary (${medians}).`;
  } else if (vsBaseline.classification === 'Pass' && vsCanary.classification === opposite(incident.classification)) {
    verdict = 'like-baseline';
    explanation = `The reproduction behaves like the incident's baseline on ${metric}: not told apart from the baseline, and ${word(vsCanary.classification)} than the canary (${medians}).`;
  } else {
    verdict = 'inconclusive';
    explanation = `The reproduction matches neither side cleanly on ${metric}: against the baseline it is ${vsBaseline.classification}, against the canary ${vsCanary.classification}, while the canary was ${incident.classification} (${medians}).`;
  }
  return { verdict, explanation, incident, vsBaseline, vsCanary, summaries };
}
