import { z } from '../../zod';
import type { CanaryJudgement } from '../../canary/judge';
import type { LabelSelector } from '../../canary/prometheus';
import { method } from '../define';

/**
 * JSON turns NaN and the infinities into null, and the web host speaks JSON: every number that
 * crosses the API from the canary area may arrive as null, and the types say so.
 */
export type Wire<T> = T extends number ? number | null : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export interface ChartSeries {
  labels: Record<string, string>;
  /** [time in ms, value]; value null where the sample was NaN or infinite. At most maxPoints per series. */
  points: [number, number | null][];
  /** Points in the file before thinning for the chart. */
  totalPoints: number;
}

export interface CanaryMetricSeries {
  name: string;
  file: string;
  canary: ChartSeries[];
  baseline: ChartSeries[];
  /** Every finite value of the selected series (before outlier removal), for the distribution chart. */
  canaryValues: number[];
  baselineValues: number[];
}

export interface CanaryView {
  judgement: Wire<CanaryJudgement>;
  series: CanaryMetricSeries[];
  selectors: { canary: LabelSelector; baseline: LabelSelector };
}

export const canaryMethods = {
  /** Judges the open bundle's canary section and returns the charts' data with the verdict. */
  'canary.judge': method(
    z
      .object({
        bundle: z.string().min(1),
        /** Points per series sent for the time chart (the judge always uses every point). */
        maxPoints: z.number().int().min(10).max(20_000).default(400),
      })
      .strict(),
  ).returns<CanaryView>(),
};
