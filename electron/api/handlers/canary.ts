import type { canaryMethods, CanaryView, ChartSeries, Wire } from '../../../shared/api/methods/canary';
import type { CanaryJudgement } from '../../../shared/canary/judge';
import type { MetricSeries } from '../../../shared/canary/prometheus';
import { importBundleMetrics, judgeBundleMetrics } from '../../services/canary/judge-bundle';
import { getOpenBundle } from '../../services/open-bundles';
import { WorkbenchError } from '../../../shared/api/errors';
import type { HandlerMap } from './types';

/** NaN and infinities become null explicitly, so both hosts (IPC and JSON) deliver the same thing. */
export function toWire<T>(value: T): Wire<T> {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as Wire<T>;
  if (Array.isArray(value)) return value.map(toWire) as Wire<T>;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toWire(v);
    return out as Wire<T>;
  }
  return value as Wire<T>;
}

/**
 * Thins a series for drawing: keeps the first and last point and, per bucket, the lowest and the
 * highest, so spikes survive (a plain stride would drop exactly the points an incident is about).
 */
export function thinSeries(series: MetricSeries, maxPoints: number): ChartSeries {
  const pts = series.points;
  const wire = (p: { t: number; v: number }): [number, number | null] => [p.t, Number.isFinite(p.v) ? p.v : null];
  if (pts.length <= maxPoints) return { labels: series.labels, points: pts.map(wire), totalPoints: pts.length };
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = pts.length / buckets;
  const out: [number, number | null][] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = pts.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    let lo: (typeof pts)[number] | undefined;
    let hi: (typeof pts)[number] | undefined;
    for (const p of slice) {
      if (!Number.isFinite(p.v)) continue;
      if (!lo || p.v < lo.v) lo = p;
      if (!hi || p.v > hi.v) hi = p;
    }
    if (!lo || !hi) {
      if (slice[0]) out.push([slice[0].t, null]); // keep the gap visible
      continue;
    }
    const pair = lo.t <= hi.t ? [lo, hi] : [hi, lo];
    out.push(wire(pair[0]!));
    if (pair[1] !== pair[0]) out.push(wire(pair[1]!));
  }
  return { labels: series.labels, points: out, totalPoints: pts.length };
}

export const canaryHandlers: HandlerMap<keyof typeof canaryMethods> = {
  'canary.judge': async ({ bundle, maxPoints }, { wb }) => {
    const opened = getOpenBundle(wb, bundle);
    const canary = opened.manifest.canary;
    if (!canary) throw new WorkbenchError('invalid_argument', 'This bundle has no canary section to judge');
    const data = importBundleMetrics(opened.root, opened.manifest, opened.source);
    const judgement: CanaryJudgement = judgeBundleMetrics(data, opened.manifest, opened.source);
    const finiteValues = (series: MetricSeries[]) => series.flatMap((s) => s.points.map((p) => p.v).filter((v) => Number.isFinite(v)));
    const view: CanaryView = {
      judgement: toWire(judgement),
      series: data.map((d, i) => ({
        name: d.config.name,
        file: canary.metrics[i]!.file,
        canary: d.canary.map((s) => thinSeries(s, maxPoints)),
        baseline: d.baseline.map((s) => thinSeries(s, maxPoints)),
        canaryValues: finiteValues(d.canary),
        baselineValues: finiteValues(d.baseline),
      })),
      selectors: canary.selectors,
    };
    return view;
  },
};
