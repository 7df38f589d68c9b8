/**
 * `repro traces` on a generated 500k-span OTLP file vs a bare `JSON.parse` of the same file,
 * measured in the same run. Goal: at most 2x; stretch: 1.3x.
 *
 * Both sides read the file from disk; the baseline stops after JSON.parse, the measured side is
 * the real command (`repro traces <file> --json`, run in-process through the CLI's main) which
 * also detects, imports, indexes, summarizes and computes the critical path. Rounds alternate
 * and the median is reported, as wall time and as process CPU time (the CPU ratio is the
 * stable one on a shared machine; the wall ratio is printed too).
 *
 *   npx tsx bench/traces.bench.ts [--spans 500000] [--rounds 3] [--json]
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';
import { generateOtlpChunks } from './lib/gen-otlp';

const { values } = parseArgs({
  options: { spans: { type: 'string', default: '500000' }, rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } },
});
const spans = Number(values.spans);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');

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

interface Sample {
  wall: number;
  cpu: number;
}

async function measure(fn: () => Promise<void> | void): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const file = await ensureFile();
let summarySpans = 0;
const base: Sample[] = [];
const ours: Sample[] = [];
for (let r = 0; r < rounds; r++) {
  base.push(
    await measure(() => {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { resourceSpans: unknown[] };
      if (!doc.resourceSpans.length) throw new Error('empty');
    }),
  );
  ours.push(
    await measure(async () => {
      let out = '';
      const code = await main(['traces', file, '--json'], {
        stdout: (t) => void (out += t),
        stderr: () => {},
        env: process.env,
        cwd: process.cwd(),
        isTTY: false,
      });
      if (code !== 0) throw new Error(`repro traces exited ${code}`);
      summarySpans = (JSON.parse(out) as { spans: number }).spans;
    }),
  );
  log(`round ${r + 1}: JSON.parse ${base[r]!.wall.toFixed(0)} ms wall / ${base[r]!.cpu.toFixed(0)} ms cpu; repro traces ${ours[r]!.wall.toFixed(0)} ms wall / ${ours[r]!.cpu.toFixed(0)} ms cpu`);
}
if (summarySpans !== spans) throw new Error(`repro traces counted ${summarySpans} spans, expected ${spans}`);

const bCpu = median(base.map((s) => s.cpu));
const oCpu = median(ours.map((s) => s.cpu));
const bWall = median(base.map((s) => s.wall));
const oWall = median(ours.map((s) => s.wall));
const result = {
  name: `repro traces on ${spans} OTLP spans vs JSON.parse`,
  ratio: Number((oCpu / bCpu).toFixed(3)),
  ms: Math.round(oCpu),
  baselineMs: Math.round(bCpu),
  wallRatio: Number((oWall / bWall).toFixed(3)),
  wallMs: Math.round(oWall),
  baselineWallMs: Math.round(bWall),
  goal: 2,
  stretch: 1.3,
};
if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
else {
  process.stdout.write(
    `${result.name}: ${result.ratio}x CPU (${result.ms} ms vs ${result.baselineMs} ms), ${result.wallRatio}x wall (${result.wallMs} vs ${result.baselineWallMs} ms); goal <= 2x, stretch <= 1.3x\n`,
  );
}
