/** `repro traces`: files, folders, bundle folders and packed bundles; --json shape; errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as tarCreate } from 'tar';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { FIXTURES, fixtureText } from './fixtures';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: process.cwd(), isTTY: false };
  const code = await main(['traces', ...argv], io);
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repro-traces-cli-'));
  // A bundle folder with two trace files in different formats.
  const bundle = join(dir, 'incident');
  await mkdir(join(bundle, 'traces'), { recursive: true });
  await copyFile(FIXTURES + 'otlp/getTrace-response.json', join(bundle, 'traces', 'hotrod.json'));
  await copyFile(FIXTURES + 'zipkin/yelp.json', join(bundle, 'traces', 'yelp.json'));
  const files = await Promise.all(
    ['hotrod.json', 'yelp.json'].map(async (f) => {
      const text = fixtureText(f === 'hotrod.json' ? 'otlp/getTrace-response.json' : 'zipkin/yelp.json');
      return { path: `traces/${f}`, sha256: createHash('sha256').update(text).digest('hex'), size: Buffer.byteLength(text) };
    }),
  );
  const manifest = {
    schema: 'repro.bundle/v1',
    incident: { id: 'INC-1', title: 'test', severity: 'SEV3', startedAt: '2026-11-20T14:02:00Z' },
    provenance: { source: { repo: 'shop/checkout', commit: 'abc', ref: 'v1' } },
    services: [],
    files,
    createdAt: '2026-11-20T15:30:00Z',
    createdBy: 'test',
  };
  await writeFile(join(bundle, 'bundle.json'), JSON.stringify(manifest, null, 2));
  await tarCreate({ gzip: true, file: join(dir, 'incident.tgz'), cwd: dir }, ['incident']);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('repro traces', () => {
  it('--json on one OTLP file prints exactly the summary document', async () => {
    const r = await run(FIXTURES + 'otlp/getTrace-response.json', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['errorSpans', 'longestTrace', 'services', 'spans', 'traces']);
    expect(doc).toMatchObject({ traces: 1, spans: 40, errorSpans: 3, services: ['customer', 'driver', 'frontend', 'mysql', 'redis-manual', 'route'] });
    expect(doc.longestTrace.traceId).toBe('2ea75461946a7dd10f2c15ab36a076cb');
    expect(doc.longestTrace.durationMs).toBeCloseTo(702.608, 3);
    expect(doc.longestTrace.criticalPath[0]).toEqual({ service: 'frontend', name: 'GET /dispatch', selfMs: expect.any(Number) });
    // The path's self times add up to the root's duration (one root).
    const total = doc.longestTrace.criticalPath.reduce((a: number, e: { selfMs: number }) => a + e.selfMs, 0);
    expect(total).toBeCloseTo(doc.longestTrace.durationMs, 1);
  });

  it('reads a bundle folder\'s traces/*.json, mixing formats', async () => {
    const r = await run(join(dir, 'incident'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.traces).toBe(2);
    expect(doc.spans).toBe(40 + 16);
  });

  it('reads a packed .tgz bundle through the bundle opener', async () => {
    const r = await run(join(dir, 'incident.tgz'), '--json');
    expect(r.stderr).not.toMatch(/repro traces:/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).spans).toBe(56);
  });

  it('prints a human summary with the critical path', async () => {
    const r = await run(FIXTURES + 'zipkin/skew.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 trace, 4 spans, 0 error spans/);
    expect(r.stdout).toMatch(/Critical path of 1e223ff1f80f1c69/);
  });

  it('fails with exit 1 naming the file when content is not a trace format, and 2 on usage errors', async () => {
    const bad = join(dir, 'metrics.json');
    await writeFile(bad, '{"status":"success","data":{"resultType":"matrix","result":[]}}');
    const r = await run(bad, '--json');
    expect(r.code).toBe(1);
    // with --json the failure is the one document on stdout (the shape every command uses)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringMatching(/metrics\.json: not OTLP/) } });
    expect(r.stderr).toMatch(/metrics\.json: not OTLP/);
    expect((await run()).code).toBe(2);
    expect((await run(join(dir, 'nope.json'))).code).toBe(1);
  });
});
