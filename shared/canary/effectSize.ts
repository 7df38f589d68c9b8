/** Effect sizes Kayenta offers: the ratio of means, and the common-language effect size. */
import { mean } from './descriptive';

export type EffectSizeMeasure = 'meanRatio' | 'cles';

/**
 * mean(experiment) / mean(control). NaN when either mean is 0, as in Kayenta: a ratio against or
 * of nothing says nothing about the size of the change, so it must not veto (or excuse) a result.
 */
export function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const controlMean = mean(control);
  const experimentMean = mean(experiment);
  if (controlMean === 0 || experimentMean === 0) return NaN;
  return experimentMean / controlMean;
}

/**
 * Common-language effect size: P(experiment > control) + P(tie) / 2 over all pairs, computed from
 * sorted copies in O((m + n) log(m + n)) rather than O(m * n).
 */
export function cles(control: readonly number[], experiment: readonly number[]): number {
  const m = experiment.length;
  const n = control.length;
  if (m === 0 || n === 0) return NaN;
  const sx = Float64Array.from(experiment).sort();
  const sy = Float64Array.from(control).sort();
  let wins = 0;
  let below = 0; // control values strictly below the current experiment value
  let notAbove = 0; // control values <= the current experiment value
  for (let i = 0; i < m; i++) {
    const v = sx[i]!;
    while (below < n && sy[below]! < v) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < n && sy[notAbove]! <= v) notAbove++;
    wins += below + (notAbove - below) / 2;
  }
  return wins / (m * n);
}

/** The value that means "no effect" for a measure: thresholds default to it. */
export function neutralEffect(measure: EffectSizeMeasure): number {
  return measure === 'cles' ? 0.5 : 1;
}

export function effectSize(measure: EffectSizeMeasure, control: readonly number[], experiment: readonly number[]): number {
  return measure === 'cles' ? cles(control, experiment) : meanRatio(control, experiment);
}
