#!/usr/bin/env node
// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or those whose file name starts with
// a given name). Each bench times the CLI as a cold process from the build (the way users run
// it) beside a baseline measured in the same run, and prints with --json an array of rows (shape:
// BenchRow in bench/lib/harness.ts). This prints the table and writes bench/results/:
//   latest.json  {schema: "repro.bench/v1", at, machine, rows: [{bench, ...BenchRow}]}: the one
//                source for the figures README and docs quote; rows of benches not run this time
//                are kept from the previous run (their own `at` says when they were measured);
//   latest.md    the same table in Markdown;
//   latest.svg   ratio vs goal as bars.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
  .sort();
if (!files.length) {
  console.error(`npm run bench: no bench/*.bench.ts matches ${wanted.join(', ')}`);
  process.exit(2);
}

const at = new Date().toISOString();
const startedMs = Date.now();
const loadAtStart = Number(loadavg()[0].toFixed(2));
const fresh = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`\n=== ${file} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file), '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const doc = lastJsonDocument(r.stdout ?? '');
  if (doc === undefined) {
    failed = true;
    process.stderr.write(`${file}: failed (exit ${r.status}) without a result\n${(r.stdout ?? '').slice(-4000)}\n`);
    continue;
  }
  if (r.status !== 0) {
    failed = true;
    process.stderr.write(`${file}: exit ${r.status} (its rows are kept; see above)\n`);
  }
  for (const row of Array.isArray(doc) ? doc : [doc]) fresh.push({ bench: file.replace(/\.bench\.ts$/, ''), at, ...row });
}

// Keep the previous run's rows of benches that did not run now.
const latest = join(resultsDir, 'latest.json');
let previous = [];
if (existsSync(latest)) {
  try {
    const old = JSON.parse(readFileSync(latest, 'utf8'));
    if (old.schema === 'repro.bench/v1') previous = old.rows;
  } catch {
    // unreadable: replaced below
  }
}
const ranNow = new Set(fresh.map((r) => r.bench));
const rows = [...previous.filter((r) => !ranNow.has(r.bench)), ...fresh].sort((a, b) => order(a) - order(b));

// The machine may be shared (other runs, CI): the load beside the figures says how busy it was.
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAvg1mAtStart: loadAtStart,
  loadAvg1mAtEnd: Number(loadavg()[0].toFixed(2)),
  benches: files.map((f) => f.replace(/\.bench\.ts$/, '')),
  durationS: Math.round((Date.now() - startedMs) / 1000),
};
const table = markdownTable(rows);
console.log('\n' + table);
mkdirSync(resultsDir, { recursive: true });
writeBeside(latest, JSON.stringify({ schema: 'repro.bench/v1', at, machine, rows }, null, 2) + '\n');
writeBeside(
  join(resultsDir, 'latest.md'),
  `Benchmarks (\`npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}\`, ${machine.durationS} s), ${machine.cpus} CPUs (${machine.cpu}), Node ${machine.node}, 1-minute load average ${machine.loadAvg1mAtStart} at the start and ${machine.loadAvg1mAtEnd} at the end; ratios against a baseline measured in the same run.\n\n${table}\n`,
);
writeBeside(join(resultsDir, 'latest.svg'), chart(rows));
console.log(`\nwrote bench/results/latest.json, latest.md and latest.svg`);
process.exit(failed ? 1 : 0);

function writeBeside(path, text) {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

/** The document is the last thing printed; a bench may print other text (a test runner's) first. */
function lastJsonDocument(text) {
  const lines = text.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!/^[[{]/.test(lines[i])) continue;
    try {
      return JSON.parse(lines.slice(i).join('\n'));
    } catch {
      // not the start of the document; look further up
    }
  }
  return undefined;
}

function order(r) {
  const benches = ['startup', 'up-down', 'capture', 'verify', 'traces', 'traces-ui', 'judge', 'logs', 'logs-ui', 'loghub', 'replay', 'gameday-proxy', 'gameday-faults'];
  const i = benches.indexOf(r.bench);
  return i < 0 ? benches.length : i; // a bench's own rows keep their order (the sort is stable)
}

function fmt(v, unit) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (unit === 'ms') return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
  if (unit === 'req/s') return v >= 1000 ? `${(v / 1000).toFixed(1)}k req/s` : `${v.toFixed(1)} req/s`;
  if (unit === 'score') return v.toFixed(3);
  return `${Math.round(v)} ${unit}`;
}

function markdownTable(data) {
  const lines = [
    '| what | the user\'s command | baseline, same run | ratio | goal | in-process |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of data) {
    const mem = (s) => (s.peakMb ? `, ${s.peakMb} MiB peak` : '');
    const bound = r.goal != null ? `${r.goal}x${r.stretch != null ? ` (stretch ${r.stretch}x)` : ''}` : r.limit != null ? fmt(r.limit, r.unit) : undefined;
    const goal = bound === undefined ? 'reported' : `${r.better === 'lower' ? '≤' : '≥'} ${bound} ${r.met ? '**met**' : '**not met**'}`;
    const inProc = r.inProcess ? `${fmt(r.inProcess.value, r.unit)} (${r.inProcess.ratio}x)` : '—';
    lines.push(
      `| ${r.what} | \`${r.ours.command}\`: ${fmt(r.ours.value, r.unit)}${mem(r.ours)} | \`${r.baseline.command}\`: ${fmt(r.baseline.value, r.unit)}${mem(r.baseline)} | ${r.ratio}x | ${goal} | ${inProc} |`,
    );
    if (r.note) lines.push(`| | ↳ ${r.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | | | | |`);
  }
  return lines.join('\n');
}

/** Horizontal bars of each ratio, with the goal as a tick: the numbers people want to see. */
function chart(data) {
  const w = 860;
  const rowH = 28;
  const left = 360;
  const max = Math.max(2, ...data.map((d) => (Number.isFinite(d.ratio) ? d.ratio : 0)), ...data.map((d) => d.goal ?? 0));
  const x = (v) => left + ((w - left - 60) * Math.min(v, max)) / max;
  const h = 40 + data.length * rowH;
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const bars = data
    .map((d, i) => {
      const y = 30 + i * rowH;
      const color = d.met === false ? '#c93838' : '#2f6fde';
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(d.what)}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, x(d.ratio || 0) - left)}" height="18" fill="${color}"/>
<text x="${x(d.ratio || 0) + 4}" y="${y + 14}">${d.ratio}x</text>${d.goal != null ? `<line x1="${x(d.goal)}" x2="${x(d.goal)}" y1="${y - 2}" y2="${y + 20}" stroke="#111" stroke-width="2"/>` : ''}`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<text x="${left}" y="16" font-weight="bold">ratio to the same-run baseline (black tick: goal; red bar: goal not met)</text>
<line x1="${x(1)}" x2="${x(1)}" y1="22" y2="${h}" stroke="#999" stroke-dasharray="3 3"/>
${bars}
</svg>
`;
}
