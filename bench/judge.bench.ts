/**
 * The canary judge on 1,000 metrics x 1,000 points per side (canary and baseline) vs sorting the
 * same numbers (each metric's two samples, Float64Array.sort) in the same run. The judge sorts
 * them too, then ranks shifted samples by merging (O(m + n) per evaluation) for every step of
 * the root finder, so a ratio in the tens is the expected cost of R-exact intervals.
 * Half the metrics carry a regression so both the High and the Pass paths are timed.
 *
 *   npx tsx bench/judge.bench.ts [--metrics 1000] [--points 1000] [--rounds 3] [--json]
 */
import { parseArgs } from 'node:util';
import { defaultClassifierConfig } from '../shared/canary/classifier';
import { judgeMetric, scoreJudgements, type CanaryMetricConfig } from '../shared/canary/judge';
import { gaussian, mulberry32 } from '../shared/random';

const { values } = parseArgs({
  options: {
    metrics: { type: 'string', default: '1000' },
    points: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean' },
  },
});
const metricCount = Number(values.metrics);
const points = Number(values.points);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');

// Latency-like data: log-normal, rounded to 0.1 ms as exporters do (so there are ties).
const normal = gaussian(mulberry32(42));
const sample = (median: number) => Array.from({ length: points }, () => Math.round(median * Math.exp(0.35 * normal()) * 1e4) / 1e4);
const data = Array.from({ length: metricCount }, (_, i) => ({
  canary: sample(i % 2 === 0 ? 0.36 : 0.3),
  baseline: sample(0.3),
}));
const config: CanaryMetricConfig = {
  ...defaultClassifierConfig(),
  name: 'latency',
  group: 'latency',
  classifier: 'MannWhitney',
  outlierFactor: null,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeSort(): number {
  const t0 = performance.now();
  let checksum = 0;
  for (const d of data) {
    const a = Float64Array.from(d.canary).sort();
    const b = Float64Array.from(d.baseline).sort();
    checksum += a[0]! + b[b.length - 1]!;
  }
  const ms = performance.now() - t0;
  if (Number.isNaN(checksum)) throw new Error('unreachable');
  return ms;
}

let lastHigh = 0;
function timeJudge(): number {
  const t0 = performance.now();
  const judged = data.map((d, i) => judgeMetric({ ...config, name: `m${i}` }, d.canary, d.baseline));
  const verdict = scoreJudgements(judged);
  const ms = performance.now() - t0;
  lastHigh = verdict.metrics.filter((m) => m.classification === 'High').length;
  return ms;
}

timeSort(); // warm up both paths on a few metrics' worth of work
const judgeTimes: number[] = [];
const sortTimes: number[] = [];
for (let r = 0; r < rounds; r++) {
  sortTimes.push(timeSort());
  judgeTimes.push(timeJudge());
  log(`round ${r + 1}/${rounds}: judge ${judgeTimes[r]!.toFixed(0)} ms, sort ${sortTimes[r]!.toFixed(1)} ms`);
}
const judgeMs = median(judgeTimes);
const sortMs = median(sortTimes);
const result = {
  name: `canary judge (${metricCount} metrics x ${points} points) vs sorting the same numbers`,
  ratio: Number((judgeMs / sortMs).toFixed(2)),
  ms: Number(judgeMs.toFixed(1)),
  baselineMs: Number(sortMs.toFixed(1)),
  perMetricMs: Number((judgeMs / metricCount).toFixed(3)),
  metrics: metricCount,
  points,
  highMetrics: lastHigh,
};
if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
else {
  process.stdout.write(
    `${result.name}: ${result.ratio}x (${result.ms} ms for the judge, ${result.baselineMs} ms for the sort; ` +
      `${result.perMetricMs} ms per metric; ${result.highMetrics} of ${metricCount} metrics High)\n`,
  );
}
