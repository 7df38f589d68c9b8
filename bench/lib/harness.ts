/**
 * What every benchmark shares: running the CLI as a user does (a separate, cold `repro` process
 * from the build), timing a baseline the same way in the same run, alternating rounds, and
 * printing rows in the one shape scripts/bench.mjs collects into bench/results/latest.json.
 *
 * A "cold process" is a fresh `node bin/repro.js ...`: exactly what the `repro` command on PATH
 * and `npx repro` run once npx has found the bin (npx's own cost is its own row in
 * startup.bench.ts). Where /usr/bin/time exists (Debian's `time`), each process also reports its
 * CPU time and peak resident memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs helper shared with scripts/ (no types needed for one function)
import { buildIsStale } from '../../scripts/lib/freshness.mjs';

export const root = join(import.meta.dirname, '..', '..');
export const reproBin = join(root, 'bin', 'repro.js');
export const log = (s: string) => void process.stderr.write(s + '\n');

const TIME = '/usr/bin/time';

export interface ProcessSample {
  wallMs: number;
  /** User + system CPU of the process and its waited-for children (null without /usr/bin/time). */
  cpuMs: number | null;
  /** Peak resident set size in MiB (null without /usr/bin/time). */
  peakMb: number | null;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
  /** Fail unless the process exits with this status (default 0); null accepts any. */
  expectStatus?: number | null;
}

/** Runs one command as a fresh process and measures it. */
export async function runProcess(argv: string[], opts: RunOptions = {}): Promise<ProcessSample> {
  const useTime = existsSync(TIME);
  const dir = useTime ? mkdtempSync(join(tmpdir(), 'repro-bench-time-')) : '';
  const timeFile = join(dir, 'time');
  const full = useTime ? [TIME, '-f', '%U %S %M', '-o', timeFile, ...argv] : argv;
  const t0 = performance.now();
  const child = spawn(full[0]!, full.slice(1), { cwd: opts.cwd ?? root, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.end(opts.input ?? '');
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const wallMs = performance.now() - t0;
  let cpuMs: number | null = null;
  let peakMb: number | null = null;
  if (useTime) {
    try {
      // The last line holds the figures (time prints "Command exited with non-zero status" first).
      const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!;
      const [user, sys, maxKb] = last.split(' ').map(Number);
      cpuMs = Math.round((user! + sys!) * 1000);
      peakMb = Math.round(maxKb! / 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sample = { wallMs, cpuMs, peakMb, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  const expected = opts.expectStatus === undefined ? 0 : opts.expectStatus;
  if (expected !== null && status !== expected) {
    throw new Error(`${argv.join(' ')} exited ${status} (expected ${expected})\n${sample.stderr.slice(-2000)}\n${sample.stdout.slice(-2000)}`);
  }
  return sample;
}

/** `repro ARGS` as a cold process from the build. */
export function repro(args: string[], opts: RunOptions = {}): Promise<ProcessSample> {
  return runProcess([process.execPath, reproBin, ...args], { ...opts, env: { ...(opts.env ?? process.env), REPRO_USE_DIST: '1' } });
}

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The benchmarks time the build, as users run it: build first when the sources are newer
 * (`node`: the CLI and the processes it spawns; `all`: the renderer too, for the UI bench).
 */
export function ensureBuilt(what: 'node' | 'all' = 'node'): void {
  const cli = join(root, 'dist', 'electron', 'cli', 'main.mjs');
  const nodeStale = !existsSync(cli) || Math.max(newest(join(root, 'electron')), newest(join(root, 'shared'))) > statSync(cli).mtimeMs;
  const stale = what === 'all' ? nodeStale || buildIsStale(root) : nodeStale;
  if (!stale) return;
  log(`building (${existsSync(cli) ? 'sources are newer than dist/' : 'no build yet'}) …`);
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...(what === 'node' ? ['--node-only'] : [])], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('the build failed');
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Runs each side once per round, alternating which goes first, so a machine that gets busier or
 * quieter during the run affects both sides alike. Returns each side's samples in round order.
 */
export async function alternate<T extends Record<string, (round: number) => Promise<unknown>>>(
  rounds: number,
  sides: T,
  onRound?: (round: number, got: { [K in keyof T]: Awaited<ReturnType<T[K]>> }) => void,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>>[] }> {
  type Got = { [K in keyof T]: Awaited<ReturnType<T[K]>> };
  const keys = Object.keys(sides) as (keyof T & string)[];
  const out = Object.fromEntries(keys.map((k) => [k, []])) as unknown as { [K in keyof T]: Awaited<ReturnType<T[K]>>[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? keys : [...keys].reverse();
    const got = {} as Got;
    for (const k of order) {
      got[k] = (await sides[k]!(r)) as Got[typeof k];
      out[k].push(got[k]);
    }
    onRound?.(r, got);
  }
  return out;
}

/**
 * One row of the results table (bench/results/latest.json `rows[]`). Stable shape; docs quote it.
 *  - `ours` is what the user's command measured as a cold process; `baseline` the reference
 *    measured in the same run; `inProcess` the same work through the CLI's main() in a warm
 *    process (null when not meaningful).
 *  - `ratio` compares `ours.value` with `baseline.value` (both in `unit`); `better` says which
 *    way is good, `goal` (and `stretch`) bound the ratio, `met` says whether the goal holds.
 *  - `note` explains a goal that cannot be met, or how to read the row.
 */
export interface BenchRow {
  id: string;
  what: string;
  /** `score`: a number without a unit (an accuracy between 0 and 1). */
  unit: 'ms' | 'req/s' | 'MiB' | 'score';
  better: 'lower' | 'higher';
  ours: { command: string; value: number; cpuMs?: number | null; peakMb?: number | null };
  baseline: { command: string; value: number; cpuMs?: number | null; peakMb?: number | null };
  inProcess: { value: number; ratio: number } | null;
  ratio: number;
  /** The goal as a bound on the ratio (null: none, see `limit`). */
  goal: number | null;
  /** The goal as an absolute bound on `ours.value`, in `unit` (the UI's 1 s and 16.7 ms). */
  limit?: number;
  stretch?: number;
  met: boolean | null;
  rounds: number;
  note?: string;
  extra?: Record<string, unknown>;
}

/**
 * A row from measured values. `inProcess`: the same work through main() in a warm process;
 * its ratio is against `inProcessBaseline` when the baseline was also measured in-process.
 */
export function row(r: Omit<BenchRow, 'ratio' | 'met' | 'inProcess'> & { inProcess?: number | null; inProcessBaseline?: number }): BenchRow {
  const { inProcessBaseline, ...rest } = r;
  const ratio = round(r.ours.value / r.baseline.value, 3);
  const inProcess = r.inProcess == null ? null : { value: round(r.inProcess, 1), ratio: round(r.inProcess / (inProcessBaseline ?? r.baseline.value), 3) };
  const within = (v: number, bound: number) => (r.better === 'lower' ? v <= bound : v >= bound);
  const met = r.goal != null ? within(ratio, r.goal) : r.limit != null ? within(r.ours.value, r.limit) : null;
  const digits = r.unit === 'score' ? 4 : 1;
  return { ...rest, ours: { ...r.ours, value: round(r.ours.value, digits) }, baseline: { ...r.baseline, value: round(r.baseline.value, digits) }, inProcess, ratio, met };
}

/** Prints the rows: `--json` one JSON array on stdout (what scripts/bench.mjs reads), else lines. */
export function emit(rows: BenchRow[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows) + '\n');
    return;
  }
  for (const r of rows) {
    const bound = r.goal != null ? `${r.goal}x` : r.limit != null ? `${r.limit} ${r.unit}` : undefined;
    const goal = bound === undefined ? 'reported' : `${r.better === 'lower' ? '<=' : '>='} ${bound}${r.met ? ' met' : ' NOT met'}`;
    process.stdout.write(
      `${r.what}: ${r.ours.command} ${r.ours.value} ${r.unit} vs ${r.baseline.command} ${r.baseline.value} ${r.unit} = ${r.ratio}x (${goal})` +
        `${r.inProcess ? `; in-process ${r.inProcess.value} ${r.unit} = ${r.inProcess.ratio}x` : ''}${r.note ? `\n  ${r.note}` : ''}\n`,
    );
  }
}
