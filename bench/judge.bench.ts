/**
 * `repro judge` of a bundle with 1,000 canary metrics x 1,000 points per side (Prometheus range
 * query files), as a cold process, vs a node process that reads and parses the same files and
 * sorts each metric's two samples (Float64Array.sort), in the same run. The judge sorts them too,
 * then ranks shifted samples by merging (O(m + n) per evaluation) for every step of the root
 * finder, so a ratio of several x is the expected cost of R-exact intervals: reported, no goal.
 * Half the metrics carry a regression so both the High and the Pass paths are timed. The
 * in-process column runs the command through the CLI's main() in this process.
 *
 *   npx tsx bench/judge.bench.ts [--metrics 1000] [--points 1000] [--rounds 3] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';
import type { BundleManifest } from '../shared/bundle/manifest';
import { gaussian, mulberry32 } from '../shared/random';
import { writeBundle } from './lib/bundles';
import { alternate, emit, ensureBuilt, log, median, repro, row, runProcess } from './lib/harness';

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

// Latency-like data: log-normal, rounded to 0.1 ms as exporters do (so there are ties).
const normal = gaussian(mulberry32(42));
const series = (median: number) => Array.from({ length: points }, (_, i) => [1795183200 + 30 * i, String(Math.round(median * Math.exp(0.35 * normal()) * 1e4) / 1e4)]);
const files: Record<string, string> = {};
const metrics = Array.from({ length: metricCount }, (_, i) => {
  const file = `metrics/m${i}.json`;
  files[file] = JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { track: 'canary' }, values: series(i % 2 === 0 ? 0.36 : 0.3) },
        { metric: { track: 'baseline' }, values: series(0.3) },
      ],
    },
  });
  return { name: `latency_${i}`, file, direction: 'increase', group: 'latency' };
});

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), 'repro-bench-judge-'));
try {
  log(`writing ${metricCount} metric files …`);
  const bundle = writeBundle(
    join(dir, 'bundle'),
    {
      incident: { id: 'BENCH-JUDGE', title: 'judge benchmark', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
      services: [],
      canary: { metrics, selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } } },
    } as unknown as BundleManifest,
    files,
  );
  const SORT = `
    const { readFileSync, readdirSync } = require('node:fs');
    const dir = process.argv[1] + '/metrics';
    let checksum = 0;
    for (const f of readdirSync(dir)) {
      const doc = JSON.parse(readFileSync(dir + '/' + f, 'utf8'));
      for (const r of doc.data.result) {
        const a = Float64Array.from(r.values, (v) => Number(v[1])).sort();
        checksum += a[0];
      }
    }
    if (Number.isNaN(checksum)) process.exit(1);`;
  const inProcess = async () => {
    let out = '';
    const t0 = performance.now();
    const code = await main(['judge', bundle, '--json'], { stdout: (t) => void (out += t), stderr: () => {}, env: process.env, cwd: process.cwd(), isTTY: false });
    if (code !== 0) throw new Error(`repro judge failed (exit ${code}): ${out}`);
    return performance.now() - t0;
  };
  let high = 0;
  const got = await alternate(
    rounds,
    {
      sort: () => runProcess([process.execPath, '-e', SORT, bundle]),
      cli: async () => {
        const s = await repro(['judge', bundle, '--json']);
        high = (JSON.parse(s.stdout) as { metrics: { classification: string }[] }).metrics.filter((m) => m.classification === 'High').length;
        return s;
      },
      inProcess,
    },
    (r, g) => log(`round ${r + 1}: read+parse+sort ${g.sort.wallMs.toFixed(0)} ms, repro judge ${g.cli.wallMs.toFixed(0)} ms (in-process ${g.inProcess.toFixed(0)} ms)`),
  );
  emit(
    [
      row({
        id: 'judge-1000x1000',
        what: `canary judge, ${metricCount} metrics x ${points} points per side`,
        unit: 'ms',
        better: 'lower',
        ours: { command: 'repro judge BUNDLE --json', value: median(got.cli.map((x) => x.wallMs)) },
        baseline: { command: 'read, parse and sort the same numbers in node', value: median(got.sort.map((x) => x.wallMs)) },
        inProcess: median(got.inProcess),
        goal: null,
        rounds,
        extra: { highMetrics: high, metrics: metricCount, points },
      }),
    ],
    values.json,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
