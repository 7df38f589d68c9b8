// metrics/*.json: Prometheus query_range (matrix) answers for the canary analysis window.
// The canary (pricing 2.14.0, tiered engine) shows p99 latency and 5xx ratio far above the
// baseline (p99 ~2 s, noisy from window to window: a 14-line cart spends 1.4 s in per-line
// lookups alone); a third, untouched "primary" track is included so selectors have to pick.
// Noise comes from a seeded PRNG: same bytes every build.
import { seededRandom } from './sample-story';

export const METRICS_WINDOW = { startMs: Date.parse('2026-11-20T14:00:00Z'), stepSeconds: 30, points: 61 };

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

interface SeriesModel { labels: Record<string, string>; mean: number; sd: number; decimals: number; min?: number }

/** `query` is what was asked (documented in the runbook); the answer itself carries only data. */
function matrix(_query: string, series: SeriesModel[], seed: number): object {
  const normal = gaussian(seededRandom(seed));
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: series.map((s) => ({
        metric: s.labels,
        values: Array.from({ length: METRICS_WINDOW.points }, (_, i) => {
          const t = METRICS_WINDOW.startMs / 1000 + i * METRICS_WINDOW.stepSeconds;
          const v = Math.max(s.min ?? 0, s.mean + s.sd * normal());
          return [t, v.toFixed(s.decimals)];
        }),
      })),
    },
  };
}

const labels = (track: string, extra: Record<string, string> = {}) => ({ service: 'checkout', env: 'prod-eu', ...extra, track });

export function latencyMetrics(): object {
  return matrix(
    'histogram_quantile(0.99, sum by (le, track, service, env) (rate(http_server_request_duration_seconds_bucket{service="checkout"}[1m])))',
    [
      { labels: labels('baseline'), mean: 0.21, sd: 0.018, decimals: 4, min: 0.05 },
      { labels: labels('canary'), mean: 2.0, sd: 0.35, decimals: 4, min: 0.05 },
      { labels: labels('primary'), mean: 0.2, sd: 0.015, decimals: 4, min: 0.05 },
    ],
    1,
  );
}

export function errorMetrics(): object {
  return matrix(
    'sum by (track, service, env) (rate(http_server_requests_total{service="checkout",code=~"5.."}[1m])) / sum by (track, service, env) (rate(http_server_requests_total{service="checkout"}[1m]))',
    [
      { labels: labels('baseline'), mean: 0.0012, sd: 0.0006, decimals: 5 },
      { labels: labels('canary'), mean: 0.118, sd: 0.017, decimals: 5 },
      { labels: labels('primary'), mean: 0.001, sd: 0.0005, decimals: 5 },
    ],
    2,
  );
}
