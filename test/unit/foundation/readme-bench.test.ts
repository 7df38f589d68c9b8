/**
 * README's benchmark table quotes bench/results/latest.json, the one source of the figures
 * (`npm run bench` writes it): every row there is in the table with its ratio, and the table
 * quotes nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

describe('README benchmark table', () => {
  it('lists every row of bench/results/latest.json with its ratio, and only those', () => {
    const results = JSON.parse(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8')) as { rows: { what: string; ratio: number; met?: boolean; goal?: number | null }[] };
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| benchmark | ratio'));
    const rows = table
      .slice(0, table.indexOf('\n\n'))
      .split('\n')
      .slice(2)
      .map((line) => line.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, '')));
    const quoted = new Map(rows.map(([what, ratio, goal]) => [what!, { ratio: ratio!.split(' ')[0], goal: goal! }]));
    expect([...quoted.keys()].sort()).toEqual(results.rows.map((r) => r.what).sort());
    for (const r of results.rows) {
      const q = quoted.get(r.what)!;
      expect({ what: r.what, ratio: q.ratio }).toEqual({ what: r.what, ratio: `${r.ratio}x` });
      if (r.met === false) expect({ what: r.what, reason: /not met\S*( as written)?\*\*: \S/.test(q.goal) }).toEqual({ what: r.what, reason: true });
    }
  });
});
