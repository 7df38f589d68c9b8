/**
 * UI benchmark for the Logs pane: opens a generated 1M-line JSONL file (~190 MB, a bundle's
 * logs/) in Chromium through `repro serve` (the Playwright e2e test "stays fluid on a large
 * file", with REPRO_LOGS_UI_LINES=1000000) and reports when the first screen of rows painted,
 * counted from the click on the pane. Goal: under 2 s. The baseline beside it is the time the
 * whole file takes to read and index in the backend in the same run (the first screen must not
 * wait for it): ratio = first screen / full load. Builds first when the sources are newer.
 *
 *   npx tsx bench/logs-ui.bench.ts [--lines 1000000] [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emit, ensureBuilt, root, row } from './lib/harness';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, json: { type: 'boolean' } } });
ensureBuilt('all');
const perfFile = join(root, 'test-results', 'logs-ui-perf.json');
rmSync(perfFile, { force: true }); // a figure of an earlier run must not pass for this one's
const run = spawnSync('npx', ['playwright', 'test', 'test/e2e/logs.spec.ts', '-g', 'large file', '--output', join(root, 'test-results', 'bench-logs-ui')], {
  cwd: root,
  env: { ...process.env, REPRO_PERF: '1', REPRO_LOGS_UI_LINES: values.lines },
  stdio: ['ignore', 2, 'inherit'], // stdout carries only the rows
});
const perf = JSON.parse(readFileSync(perfFile, 'utf8')) as { lines: number; bytes: number; firstRowMs: number; loadedMs: number };
if (run.status !== 0) process.stderr.write('the UI test failed; the row below comes from what it recorded\n');
emit(
  [
    row({
      id: 'logs-ui-first-screen',
      what: `Logs pane: first screen of a ${perf.lines.toLocaleString('en')}-line file (${Math.round(perf.bytes / 1e6)} MB) in Chromium, vs reading and indexing it all`,
      unit: 'ms',
      better: 'lower',
      ours: { command: 'click the Logs pane -> first rows painted', value: perf.firstRowMs },
      baseline: { command: 'the whole file read and indexed (same run)', value: perf.loadedMs },
      goal: null,
      limit: 2000,
      rounds: 1,
    }),
  ],
  values.json,
);
process.exitCode = run.status === 0 ? 0 : 1;
