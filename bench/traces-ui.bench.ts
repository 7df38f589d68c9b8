/**
 * UI benchmark for the traces pane: opens a generated 100k-span OTLP file in Chromium through
 * `repro serve` (the Playwright e2e test "traces at scale"), and reports the first waterfall
 * paint and the scroll frame work. The ratio is first paint over a bare JSON.parse of the same
 * text in the same page (measured in the same run). Needs `npm run build` first.
 *
 *   npx tsx bench/traces-ui.bench.ts [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
const root = join(import.meta.dirname, '..');
const run = spawnSync('npx', ['playwright', 'test', 'test/e2e/traces.spec.ts', '-g', 'traces at scale', '--output', join(root, 'test-results', 'bench-traces-ui')], {
  cwd: root,
  env: { ...process.env, REPRO_PERF: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const perf = JSON.parse(readFileSync(join(root, 'test-results', 'traces-ui-perf.json'), 'utf8')) as {
  firstPaintMs: number;
  bareJsonParseMs: number;
  drawP95Ms: number;
  frameIntervalP95Ms: number;
};
const result = {
  name: 'traces UI: first waterfall paint of a 100k-span trace vs JSON.parse in the page',
  ratio: Number((perf.firstPaintMs / perf.bareJsonParseMs).toFixed(2)),
  ms: perf.firstPaintMs,
  baselineMs: perf.bareJsonParseMs,
  scrollDrawP95Ms: perf.drawP95Ms,
  scrollFrameIntervalP95Ms: perf.frameIntervalP95Ms,
  goals: { firstPaintMs: 2000, scrollDrawP95Ms: 16 },
  passed: run.status === 0,
};
if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
else
  process.stdout.write(
    `${result.name}: first paint ${result.ms} ms (${result.ratio}x JSON.parse ${result.baselineMs} ms; goal < 2000 ms), scroll draw p95 ${result.scrollDrawP95Ms} ms, frame interval p95 ${result.scrollFrameIntervalP95Ms} ms — ${result.passed ? 'goals met' : 'goals NOT met'}\n`,
  );
process.exitCode = run.status ?? 1;
