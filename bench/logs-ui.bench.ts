/**
 * UI benchmark for the Logs pane: opens a generated 1M-line JSONL file (~190 MB, a bundle's
 * logs/) in Chromium through `repro serve` (the Playwright e2e test "stays fluid on a large
 * file", with REPRO_LOGS_UI_LINES=1000000) and reports when the first screen of rows painted,
 * counted from the click on the pane. Goal: under 2 s. The baseline beside it is the time the
 * whole file takes to read and index in the backend in the same run (the first screen must not
 * wait for it): ratio = first screen / full load. Needs `npm run build` first.
 *
 *   npx tsx bench/logs-ui.bench.ts [--lines 1000000] [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, json: { type: 'boolean' } } });
const root = join(import.meta.dirname, '..');
const run = spawnSync('npx', ['playwright', 'test', 'test/e2e/logs.spec.ts', '-g', 'large file', '--output', join(root, 'test-results', 'bench-logs-ui')], {
  cwd: root,
  env: { ...process.env, REPRO_PERF: '1', REPRO_LOGS_UI_LINES: values.lines },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const perf = JSON.parse(readFileSync(join(root, 'test-results', 'logs-ui-perf.json'), 'utf8')) as { lines: number; bytes: number; firstRowMs: number; loadedMs: number };
const result = {
  name: `logs UI: first screen of a ${perf.lines.toLocaleString('en')}-line file vs reading it all`,
  ratio: Number((perf.firstRowMs / perf.loadedMs).toFixed(3)),
  ms: perf.firstRowMs,
  baselineMs: perf.loadedMs,
  bytes: perf.bytes,
  goals: { firstScreenMs: 2000 },
  passed: run.status === 0 && perf.firstRowMs < 2000,
};
if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
else process.stdout.write(`${result.name}: first screen ${result.ms} ms (whole file read and indexed in ${result.baselineMs} ms; goal < 2000 ms) — ${result.passed ? 'goal met' : 'goal NOT met'}\n`);
process.exitCode = result.passed ? 0 : 1;
