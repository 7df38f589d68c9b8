/**
 * `repro traces FILE --json` on a generated 500k-span OTLP file, as a cold process, vs a node
 * process that only reads and `JSON.parse`s the same file, in the same run: wall time (goal at
 * most 1.3x, stretch below 1x) and peak resident memory (goal at most 1.2x). The measured side
 * is the real command: it detects the format, imports, indexes, summarizes and computes the
 * critical path. The in-process column runs the same command through the CLI's main() in this
 * (warm) process. Rounds alternate; medians are compared.
 *
 *   npx tsx bench/traces.bench.ts [--spans 500000] [--rounds 3] [--json]
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';
import { generateOtlpChunks } from './lib/gen-otlp';
import { alternate, emit, ensureBuilt, log, median, repro, row, runProcess, type ProcessSample } from './lib/harness';

const { values } = parseArgs({
  options: { spans: { type: 'string', default: '500000' }, rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } },
});
const spans = Number(values.spans);
const rounds = Number(values.rounds);

async function ensureFile(): Promise<string> {
  const dir = join(tmpdir(), 'repro-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `otlp-${spans}-seed42.json`);
  if (existsSync(file)) return file;
  log(`generating ${file} …`);
  const tmp = file + '.part';
  const out = createWriteStream(tmp);
  let buf = '';
  for (const c of generateOtlpChunks({ spans, seed: 42 })) {
    buf += c;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((r) => out.end(buf, r));
  renameSync(tmp, file);
  return file;
}

ensureBuilt();
const file = await ensureFile();
const mib = Math.round(statSync(file).size / 2 ** 20);
const PARSE = `const d = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8')); if (!d.resourceSpans.length) process.exit(1);`;

async function inProcess(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  let out = '';
  const t0 = performance.now();
  const code = await main(['traces', file, '--json'], { stdout: (t) => void (out += t), stderr: () => {}, env: process.env, cwd: process.cwd(), isTTY: false });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`repro traces exited ${code}`);
  if ((JSON.parse(out) as { spans: number }).spans !== spans) throw new Error('in-process: wrong span count');
  return ms;
}

const got = await alternate(
  rounds,
  {
    parse: () => runProcess([process.execPath, '-e', PARSE, file]),
    cli: async () => {
      const s = await repro(['traces', file, '--json']);
      const counted = (JSON.parse(s.stdout) as { spans: number }).spans;
      if (counted !== spans) throw new Error(`repro traces counted ${counted} spans, expected ${spans}`);
      return s;
    },
    inProcess,
  },
  (r, g) => log(`round ${r + 1}: JSON.parse ${g.parse.wallMs.toFixed(0)} ms ${g.parse.peakMb} MiB; repro traces ${g.cli.wallMs.toFixed(0)} ms ${g.cli.peakMb} MiB; in-process ${g.inProcess.toFixed(0)} ms`),
);

const wall = (xs: ProcessSample[]) => median(xs.map((x) => x.wallMs));
const peak = (xs: ProcessSample[]) => median(xs.map((x) => x.peakMb ?? NaN));
const cpu = (xs: ProcessSample[]) => median(xs.map((x) => x.cpuMs ?? NaN));
const what = `summarise a ${spans / 1000}k-span OTLP file (${mib} MiB)`;
emit(
  [
    row({
      id: 'traces-500k-time',
      what,
      unit: 'ms',
      better: 'lower',
      ours: { command: 'repro traces FILE --json', value: wall(got.cli), cpuMs: cpu(got.cli), peakMb: peak(got.cli) },
      baseline: { command: 'JSON.parse of FILE in node', value: wall(got.parse), cpuMs: cpu(got.parse), peakMb: peak(got.parse) },
      inProcess: median(got.inProcess),
      goal: 1.3,
      stretch: 1,
      rounds,
      extra: { spans, mib },
    }),
    row({
      id: 'traces-500k-memory',
      what: `${what}: peak memory`,
      unit: 'MiB',
      better: 'lower',
      ours: { command: 'repro traces FILE --json', value: peak(got.cli) },
      baseline: { command: 'JSON.parse of FILE in node', value: peak(got.parse) },
      goal: 1.2,
      rounds,
    }),
  ],
  values.json,
);
