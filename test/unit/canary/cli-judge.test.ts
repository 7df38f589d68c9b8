import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command';
import { main } from '../../../electron/cli/main';
import { gaussian, mulberry32 } from '../../../shared/random';

const work = mkdtempSync(join(tmpdir(), 'repro-judge-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: process.env, cwd: work, isTTY: false };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

function series(track: string, seed: number, mean: number): unknown {
  const normal = gaussian(mulberry32(seed));
  return { metric: { __name__: 'http_p99_latency_seconds', track }, values: Array.from({ length: 40 }, (_, i) => [1_763_647_320 + 15 * i, String(mean + 0.02 * normal())]) };
}

function writeBundle(name: string, canaryMean: number, extraMetric?: { name: string; file: string }): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'metrics'), { recursive: true });
  writeFileSync(
    join(dir, 'metrics', 'latency.json'),
    JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [series('canary', 1, canaryMean), series('baseline', 2, 0.3)] } }),
  );
  const listed = (path: string) => {
    const bytes = readFileSync(join(dir, path));
    return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  };
  const files = [listed('metrics/latency.json')];
  if (extraMetric) {
    // Listed with a digest of its intended content; the test then swaps the file for a link.
    writeFileSync(join(dir, extraMetric.file), '{}');
    files.push(listed(extraMetric.file));
    rmSync(join(dir, extraMetric.file));
  }
  const metrics: unknown[] = [{ name: 'http_p99_latency_seconds', file: 'metrics/latency.json', direction: 'increase', critical: true, group: 'latency' }];
  if (extraMetric) metrics.push({ ...extraMetric, direction: 'either', group: 'errors' });
  writeFileSync(
    join(dir, 'bundle.json'),
    JSON.stringify({
      schema: 'repro.bundle/v1',
      incident: { id: 'INC-1', title: 'Latency after canary', severity: 'SEV2', startedAt: '2026-11-20T14:02:00Z' },
      provenance: { source: { repo: 'shop/checkout', commit: 'abc123' } },
      services: [],
      canary: {
        metrics,
        selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
        groupWeights: { latency: 60, errors: 40 },
        thresholds: { pass: 95, marginal: 75 },
      },
      files,
      createdAt: '2026-11-20T15:30:00Z',
      createdBy: 'test',
    }),
  );
  return dir;
}

describe('repro judge', () => {
  it('prints the verdict, groups and per-metric reasons as JSON, exit 0 even on fail', async () => {
    writeBundle('regressed', 0.9);
    const t = io();
    expect(await main(['judge', 'regressed', '--json'], t.io)).toBe(0);
    const doc = JSON.parse(t.out());
    expect(doc.verdict).toBe('fail');
    expect(doc.score).toBe(0);
    expect(doc.groups).toEqual([{ name: 'latency', score: 0 }]);
    expect(doc.metrics[0]).toMatchObject({ name: 'http_p99_latency_seconds', classification: 'High', critical: true });
    expect(doc.metrics[0].interval[0]).toBeGreaterThan(0.5);
    expect(doc.metrics[0].estimate).toBeGreaterThan(0.5);
    expect(doc.metrics[0].effectSize.measure).toBe('meanRatio');
    expect(doc.metrics[0].reason).toMatch(/^High \(critical\): the 98% interval/);
    expect(doc.warnings.join(' ')).toMatch(/"errors" has weight 40 but no metric/);
  });

  it('prints a readable report without --json', async () => {
    writeBundle('healthy', 0.3);
    const t = io();
    expect(await main(['judge', 'healthy'], t.io), t.err()).toBe(0);
    expect(t.out()).toMatch(/^Verdict: FAIL {2}score 60/); // the errors group's 40 has no metric: lost, as in Kayenta
    expect(t.out()).toMatch(/Pass +http_p99_latency_seconds {2}\(critical metric\)/);
    expect(t.out()).toMatch(/overlaps the tolerance band/);
  });

  it('judges a packed .tgz bundle', async () => {
    writeBundle('packed', 0.9);
    await tar.create({ gzip: true, file: join(work, 'packed.tgz'), cwd: work }, ['packed']);
    const t = io();
    expect(await main(['judge', 'packed.tgz', '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.out()).verdict).toBe('fail');
  });

  it('refuses a metrics file that is a link, as that metric\'s Error', async () => {
    const dir = writeBundle('linked', 0.3, { name: 'errors', file: 'metrics/errors.json' });
    symlinkSync('/etc/hostname', join(dir, 'metrics', 'errors.json'));
    const t = io();
    expect(await main(['judge', 'linked', '--json'], t.io)).toBe(0);
    const errors = JSON.parse(t.out()).metrics[1];
    expect(errors.classification).toBe('Error');
    expect(errors.reason).toMatch(/is a symbolic link; links in a bundle are never followed/);
  });

  it('exits 1 without a canary section and 2 on usage errors', async () => {
    const dir = writeBundle('nocanary', 0.3);
    writeFileSync(
      join(dir, 'bundle.json'),
      JSON.stringify({
        schema: 'repro.bundle/v1',
        incident: { id: 'INC-2', title: 't', severity: 'SEV3', startedAt: '2026-11-20T14:02:00Z' },
        provenance: { source: { repo: 'r', commit: 'c' } },
        services: [],
        files: [],
        createdAt: '2026-11-20T15:30:00Z',
        createdBy: 'test',
      }),
    );
    const t = io();
    expect(await main(['judge', 'nocanary'], t.io)).toBe(1);
    expect(t.err()).toMatch(/no "canary" section/);
    const u = io();
    expect(await main(['judge'], u.io)).toBe(2);
    expect(await main(['judge', 'missing-folder'], io().io)).toBe(1);
  });
});
