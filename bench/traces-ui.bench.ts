/**
 * The traces pane in Chromium through `repro serve` (the Playwright e2e tests "traces at scale"
 * and "1M-span"), from the build:
 *  - a 100k-span file: first waterfall paint (goal within 1 s) against a bare JSON.parse of the
 *    same text in the same page; scroll frame interval p95 (goal under 16.7 ms, one 60 Hz frame)
 *    against the interval of an idle animation frame loop in the same page;
 *  - a 1M-span file (about 400 MiB): loads with progress; time to first paint against reading
 *    the file into the page (file.arrayBuffer()), reported.
 *
 *   npx tsx bench/traces-ui.bench.ts [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emit, ensureBuilt, log, root, row, type BenchRow } from './lib/harness';

const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
ensureBuilt('all');
const results = join(root, 'test-results');
const perfFile = join(results, 'traces-ui-perf.json');
const oneMFile = join(results, 'traces-ui-1m.json');
rmSync(perfFile, { force: true });
rmSync(oneMFile, { force: true });
const run = spawnSync('npx', ['playwright', 'test', 'test/e2e/traces.spec.ts', 'test/e2e/traces-1m.spec.ts', '-g', 'traces at scale|1M-span', '--output', join(results, 'bench-traces-ui')], {
  cwd: root,
  stdio: ['ignore', 2, 'inherit'],
});
if (run.status !== 0) log('the UI tests failed; rows below come from what they recorded');

const rows: BenchRow[] = [];
try {
  const perf = JSON.parse(readFileSync(perfFile, 'utf8')) as { firstPaintMs: number; bareJsonParseMs: number; frameIntervalP95Ms: number; idleFrameIntervalP95Ms: number; drawP95Ms: number; workerPhasesMs: Record<string, number> };
  rows.push(
    row({
      id: 'traces-ui-100k-first-paint',
      what: '100k-span trace, first waterfall paint in Chromium',
      unit: 'ms',
      better: 'lower',
      ours: { command: 'open the file in the Traces pane', value: perf.firstPaintMs },
      baseline: { command: 'JSON.parse of its text in the page', value: perf.bareJsonParseMs },
      goal: null,
      limit: 1000,
      rounds: 1,
      note: 'goal: within 1 s (absolute)',
      extra: { workerPhasesMs: perf.workerPhasesMs },
    }),
    row({
      id: 'traces-ui-100k-scroll',
      what: '100k-span trace, scroll frame interval p95',
      unit: 'ms',
      better: 'lower',
      ours: { command: 'scroll the waterfall a step per frame', value: perf.frameIntervalP95Ms },
      baseline: { command: 'an idle animation-frame loop in the page', value: perf.idleFrameIntervalP95Ms },
      goal: null,
      limit: 16.7,
      rounds: 1,
      note: `goal: under 16.7 ms (absolute); drawing a frame takes ${perf.drawP95Ms} ms at p95`,
      extra: { drawP95Ms: perf.drawP95Ms },
    }),
  );
} catch (err) {
  log(`no 100k figures: ${(err as Error).message}`);
}
try {
  const big = JSON.parse(readFileSync(oneMFile, 'utf8')) as { loadedMs: number; progressUpdates: number; bytes: number; phases: Record<string, number> };
  rows.push(
    row({
      id: 'traces-ui-1m-load',
      what: `1M-span trace (${Math.round(big.bytes / 2 ** 20)} MiB) loads in Chromium with progress`,
      unit: 'ms',
      better: 'lower',
      ours: { command: 'open the file in the Traces pane', value: big.loadedMs },
      baseline: { command: 'read the file into the page', value: big.phases.read ?? NaN },
      goal: null,
      rounds: 1,
      note: `${big.progressUpdates} progress updates while loading`,
      extra: { phases: big.phases, progressUpdates: big.progressUpdates },
    }),
  );
} catch (err) {
  log(`no 1M figures: ${(err as Error).message}`);
}
emit(rows, values.json);
process.exitCode = run.status ?? 1;
