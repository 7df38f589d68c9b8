#!/usr/bin/env node
// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named ones). Each bench
// measures its own baseline in the same run and prints, with --json, one document
// {name, ratio, ms, goal?, ...} or an array of them. Results go to bench/results/latest.json and
// a bar chart of ratio vs goal to bench/results/latest.svg.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
  .sort();

const rows = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`\n=== ${file} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file), '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    failed = true;
    process.stderr.write(`${file} failed (exit ${r.status})\n${r.stdout}\n`);
    continue;
  }
  // The document is the last thing printed; a bench may print other text (a test runner's) first.
  const text = r.stdout.trim();
  const lines = text.split('\n');
  let doc;
  for (let i = lines.length - 1; i >= 0 && doc === undefined; i--) {
    if (!/^[[{]/.test(lines[i])) continue;
    try {
      doc = JSON.parse(lines.slice(i).join('\n'));
    } catch {
      // not the start of the document; look further up
    }
  }
  try {
    if (doc === undefined) throw new Error('no JSON document');
    for (const row of Array.isArray(doc) ? doc : [doc]) rows.push({ file, ...row });
  } catch {
    failed = true;
    process.stderr.write(`${file}: could not read its --json output\n${text}\n`);
  }
}

const fmt = (n, d = 2) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(d) : '—');
console.log('\nbenchmark                                  ratio    goal      ms');
for (const r of rows) console.log(`${String(r.name).padEnd(42)} ${fmt(r.ratio).padStart(6)}x ${String(r.goal ?? '').padStart(7)} ${fmt(r.ms, 0).padStart(7)}`);

mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
writeFileSync(join(benchDir, 'results', 'latest.svg'), chart(rows));
console.log(`\nwrote bench/results/latest.json and latest.svg`);
process.exit(failed ? 1 : 0);

/** Horizontal bars of each ratio, with the goal as a tick: the numbers people want to see. */
function chart(data) {
  const w = 760;
  const rowH = 28;
  const left = 300;
  const max = Math.max(2, ...data.map((d) => (Number.isFinite(d.ratio) ? d.ratio : 0)), ...data.map((d) => parseFloat(String(d.goal ?? '').replace(/[^0-9.]/g, '')) || 0));
  const x = (v) => left + ((w - left - 40) * v) / max;
  const h = 40 + data.length * rowH;
  const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
  const bars = data
    .map((d, i) => {
      const y = 30 + i * rowH;
      const goal = parseFloat(String(d.goal ?? '').replace(/[^0-9.]/g, ''));
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(d.name)}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, x(d.ratio || 0) - left)}" height="18" fill="#2f6fde"/>
<text x="${x(d.ratio || 0) + 4}" y="${y + 14}">${fmt(d.ratio)}x</text>${Number.isFinite(goal) ? `<line x1="${x(goal)}" x2="${x(goal)}" y1="${y - 2}" y2="${y + 20}" stroke="#c93838" stroke-width="2"/>` : ''}`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<text x="${left}" y="16" font-weight="bold">ratio to same-run baseline (red tick: goal)</text>
<line x1="${x(1)}" x2="${x(1)}" y1="22" y2="${h}" stroke="#999" stroke-dasharray="3 3"/>
${bars}
</svg>
`;
}
