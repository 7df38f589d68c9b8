/**
 * Mining the templates of 1M JSONL log lines (~190 MB, bench/lib/gen-logs.ts) vs JSON.parse of
 * every line, measured in the same run. Goal: at most 3x.
 *
 * First column, as users run it: `repro logs FILE --patterns --json` as a cold separate process
 * (the built CLI; built first when the sources are newer) against a cold `node bench/lib/parse-lines.mjs FILE`
 * that reads the same file the same way and only JSON.parses each line; CPU time of each
 * process (user+sys, from the shell's `times`), the wall ratio beside it. Second column, in
 * process: mining the messages already in memory against JSON.parse of the lines already in
 * memory. Rounds alternate; medians are reported.
 *
 *   npx tsx bench/logs.bench.ts [--lines 1000000] [--rounds 3] [--json]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TemplateMiner } from '../shared/logs/miner';
import { parseJsonLine } from '../shared/logs/record';
import { generateLogChunks } from './lib/gen-logs';
import { emit, ensureBuilt, row } from './lib/harness';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } } });
const lines = Number(values.lines);
const rounds = Number(values.rounds);
const root = join(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(s + '\n');

async function ensureFile(): Promise<string> {
  const dir = join(tmpdir(), 'repro-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `logs-${lines}-seed42.jsonl`);
  if (existsSync(file)) return file;
  log(`generating ${file} …`);
  const out = createWriteStream(file + '.part');
  for (const c of generateLogChunks({ lines, seed: 42 })) if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(r));
  renameSync(file + '.part', file);
  return file;
}

interface Sample {
  wall: number;
  cpu: number;
}

/** A command as its own process, timed by the shell: wall, and the child's user+sys CPU. */
function timeProcess(cmd: string[], env: NodeJS.ProcessEnv = {}): Sample & { stdout: string } {
  const quoted = cmd.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${quoted} >"$OUT"; s=$?; times >&2; exit $s`], { cwd: root, env: { ...process.env, ...env, OUT: join(tmpdir(), `repro-bench-out-${process.pid}`) }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
  const times = r.stderr.trim().split('\n').slice(-1)[0]!.split(/\s+/);
  const secs = (t: string) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  return { wall, cpu: (secs(times[0]!) + secs(times[1]!)) * 1000, stdout: readFileSync(join(tmpdir(), `repro-bench-out-${process.pid}`), 'utf8') };
}

function cpuOf(fn: () => void): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

ensureBuilt(); // the CLI is timed as users run it: from the build
const file = await ensureFile();
const base: Sample[] = [];
const ours: Sample[] = [];
let templates = 0;
for (let r = 0; r < rounds; r++) {
  const b = timeProcess([process.execPath, 'bench/lib/parse-lines.mjs', file]);
  if (Number(b.stdout.trim()) !== lines) throw new Error(`the baseline parsed ${b.stdout.trim()} lines, expected ${lines}`);
  base.push(b);
  const o = timeProcess([process.execPath, 'bin/repro.js', 'logs', file, '--patterns', '--json'], { REPRO_USE_DIST: '1', REPRO_HOME: join(tmpdir(), 'repro-bench-home') });
  const doc = JSON.parse(o.stdout) as { lines: number; templates: unknown[] };
  if (doc.lines !== lines) throw new Error(`repro logs counted ${doc.lines} lines, expected ${lines}`);
  templates = doc.templates.length;
  ours.push(o);
  log(`round ${r + 1}: JSON.parse process ${b.cpu.toFixed(0)} ms cpu / ${b.wall.toFixed(0)} ms wall; repro logs --patterns ${o.cpu.toFixed(0)} ms cpu / ${o.wall.toFixed(0)} ms wall`);
}

// In process: the same lines in memory; JSON.parse of each vs mining each message.
const text = readFileSync(file, 'utf8');
const all = text.split('\n');
all.pop();
const msgs: string[] = [];
for (const l of all) parseJsonLine(l, '', (rec) => msgs.push(rec.msg));
const baseIn: Sample[] = [];
const oursIn: Sample[] = [];
for (let r = 0; r < rounds; r++) {
  baseIn.push(
    cpuOf(() => {
      let n = 0;
      for (const l of all) if (JSON.parse(l)) n++;
      if (n !== lines) throw new Error('lost lines');
    }),
  );
  oursIn.push(
    cpuOf(() => {
      const m = new TemplateMiner();
      for (const s of msgs) m.add(s);
      if (m.mine().templates.length !== templates) throw new Error('in-process mining found other templates than the CLI');
    }),
  );
  log(`in process, round ${r + 1}: JSON.parse ${baseIn[r]!.cpu.toFixed(0)} ms cpu; mining ${oursIn[r]!.cpu.toFixed(0)} ms cpu`);
}

const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
emit(
  [
    row({
      id: 'logs-patterns',
      what: `repro logs --patterns on ${lines.toLocaleString('en')} JSONL lines (${Math.round(Buffer.byteLength(text) / 1e6)} MB) vs JSON.parse of every line, cold processes, CPU time`,
      unit: 'ms',
      better: 'lower',
      ours: { command: 'repro logs FILE --patterns --json', value: med(ours, 'cpu') },
      baseline: { command: 'node bench/lib/parse-lines.mjs FILE', value: med(base, 'cpu') },
      // in process: mining the messages already in memory vs JSON.parse of the lines in memory
      inProcess: med(oursIn, 'cpu'),
      inProcessBaseline: med(baseIn, 'cpu'),
      goal: 3,
      rounds,
      note: `wall ${(med(ours, 'wall') / med(base, 'wall')).toFixed(2)}x (${Math.round(med(ours, 'wall'))} vs ${Math.round(med(base, 'wall'))} ms); ${templates} templates`,
    }),
  ],
  values.json,
);
