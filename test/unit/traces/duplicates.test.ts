/**
 * The same span twice (same trace and span ID): an exact copy (an exporter's retry posted to the
 * session's receiver again, one span in two files) is dropped and counted in a warning; a span ID
 * reused with different content stays (children attach to the first) but is never on the
 * critical path twice. Both import paths (JSON.parse objects, the OTLP byte scanner), Jaeger, and
 * the receiver through `repro traces`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTraceBytes, importTraceTexts, type ImportResult } from '../../../shared/traces/detect';
import { criticalPath, criticalPathMask } from '../../../shared/traces/critical-path';
import { spanDetail } from '../../../shared/traces/detail';
import { SpanFlag } from '../../../shared/traces/model';
import { startOtlpReceiver } from '../../../electron/services/environments/otlp/receiver';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { handTrace } from './fixtures';

const TRACE = '5b8efff798038103d269b633813fc60c';
const T0 = 1_763_647_380_000_000_000n;

interface S {
  id: string;
  parent?: string;
  name: string;
  start: number;
  end: number;
}

/** One OTLP/JSON export request; times in ms from T0. */
function otlp(spans: S[], service = 'checkout') {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: TRACE,
              spanId: s.id,
              ...(s.parent ? { parentSpanId: s.parent } : {}),
              name: s.name,
              kind: 2,
              startTimeUnixNano: String(T0 + BigInt(s.start) * 1_000_000n),
              endTimeUnixNano: String(T0 + BigInt(s.end) * 1_000_000n),
            })),
          },
        ],
      },
    ],
  };
}

const ROOT = 'aaaaaaaaaaaaaaa1';
const DB = 'bbbbbbbbbbbbbbb2';
const PAY = 'ccccccccccccccc3';
const tree: S[] = [
  { id: ROOT, name: 'POST /checkout', start: 0, end: 100 },
  { id: DB, parent: ROOT, name: 'SELECT cart', start: 10, end: 40 },
  { id: PAY, parent: ROOT, name: 'charge', start: 50, end: 90 },
];

const names = (r: ImportResult) => {
  const t = r.set.traces[0]!;
  return criticalPath(t).map((e) => r.set.names[t.name[e.span]!]!);
};

/** The two ways `repro traces` and the Traces pane read files: as text, and as bytes (scanner). */
const importers: [string, (files: { name: string; text: string }[]) => ImportResult][] = [
  ['parsed', (files) => importTraceTexts(files)],
  ['scanned', (files) => importTraceBytes(files.map((f) => ({ name: f.name, bytes: Buffer.from(f.text) })))],
];

describe.each(importers)('the same span twice (%s)', (_, load) => {
  it('an exporter retry (the same request in two files, other spacing): each span counted once, one warning naming trace, span and copies', () => {
    const r = load([
      { name: 'a.json', text: JSON.stringify(otlp(tree)) },
      { name: 'b.json', text: JSON.stringify(otlp(tree), null, 2) },
    ]);
    const t = r.set.traces[0]!;
    expect(r.set.traces).toHaveLength(1);
    expect(t.spanCount).toBe(3);
    expect(r.set.inputSpanObjects).toBe(6);
    expect(r.set.warnings).toEqual([
      `trace ${TRACE}: 3 spans appear more than once with the same content (an exporter's retry, or one span in two files); each counted once, 3 copies dropped (e.g. span ${ROOT}: 1 copy)`,
    ]);
    expect([...t.childOffset]).toEqual([0, 2, 2, 2]);
    expect(names(r)).toEqual(['POST /checkout', 'SELECT cart', 'charge']);
  });

  it('one span posted three times: "appears 3 times", 2 copies dropped', () => {
    const r = load([
      { name: 'a.json', text: JSON.stringify(otlp(tree)) },
      { name: 'b.json', text: JSON.stringify(otlp([tree[2]!])) },
      { name: 'c.json', text: JSON.stringify(otlp([tree[2]!])) },
    ]);
    expect(r.set.traces[0]!.spanCount).toBe(3);
    expect(r.set.warnings).toEqual([
      `trace ${TRACE}: span ${PAY} appears 3 times with the same content (an exporter's retry, or one span in two files); counted once, 2 copies dropped`,
    ]);
    expect(criticalPath(r.set.traces[0]!)).toHaveLength(3);
  });

  it('a span ID reused with different content: both kept, children attach to the first, the later one is flagged and never on the critical path', () => {
    // The second "charge" ends later: it would be the last-finishing child, and on the path twice.
    const r = load([
      { name: 'a.json', text: JSON.stringify(otlp([...tree, { id: 'ddddddddddddddd4', parent: PAY, name: 'card', start: 60, end: 80 }])) },
      { name: 'b.json', text: JSON.stringify(otlp([{ ...tree[2]!, end: 95 }])) },
    ]);
    const t = r.set.traces[0]!;
    expect(t.spanCount).toBe(5);
    expect(r.set.warnings).toEqual([`trace ${TRACE}: span ID ${PAY} occurs more than once with different content; children attach to the first`]);
    const copies = t.spanId.flatMap((id, i) => (id === PAY ? [i] : []));
    expect(copies).toHaveLength(2);
    const [first, later] = copies.sort((a, b) => t.end[a]! - t.end[b]!) as [number, number];
    expect(t.flags[first]! & SpanFlag.DuplicateId).toBe(0);
    expect(t.flags[later]! & SpanFlag.DuplicateId).toBe(SpanFlag.DuplicateId);
    expect(t.spanId[t.childList[t.childOffset[first]!]!]).toBe('ddddddddddddddd4');
    expect(t.childOffset[later + 1]! - t.childOffset[later]!).toBe(0);
    const path = criticalPath(t);
    expect(path.map((e) => t.spanId[e.span]).filter((id) => id === PAY)).toHaveLength(1);
    expect(path.map((e) => e.span)).not.toContain(later);
    expect(criticalPathMask(t)[later]).toBe(0);
    expect(names(r)).toEqual(['POST /checkout', 'SELECT cart', 'charge', 'card']);
    expect(spanDetail(r.set, r.raw, 0, later).flags.join()).toMatch(/span ID reused with different content/);
  });

  it('a root reposted with a different end: one root on the critical path', () => {
    const r = load([
      { name: 'a.json', text: JSON.stringify(otlp(tree)) },
      { name: 'b.json', text: JSON.stringify(otlp([{ ...tree[0]!, end: 120 }])) },
    ]);
    const t = r.set.traces[0]!;
    expect(t.roots).toHaveLength(2);
    expect(criticalPath(t).filter((e) => t.spanId[e.span] === ROOT)).toHaveLength(1);
  });

  it('the same span from another service (resource) is not a copy', () => {
    const r = load([
      { name: 'a.json', text: JSON.stringify(otlp(tree)) },
      { name: 'b.json', text: JSON.stringify(otlp([tree[1]!], 'other')) },
    ]);
    expect(r.set.traces[0]!.spanCount).toBe(4);
    expect(r.set.warnings[0]).toMatch(/different content/);
  });
});

describe('the same span twice (Jaeger)', () => {
  it('an exact copy in a Jaeger trace is dropped too', () => {
    const spans = [
      { id: 'root', start: 0, end: 100 },
      { id: 'a', parent: 'root', start: 10, end: 60 },
    ];
    const r = handTrace([...spans, spans[1]!]);
    expect(r.set.traces[0]!.spanCount).toBe(2);
    expect(r.set.warnings).toHaveLength(1);
    expect(r.set.warnings[0]).toMatch(/appears 2 times with the same content.*1 copy dropped/);
    expect(criticalPath(r.set.traces[0]!)).toHaveLength(2);
  });
});

describe('an exporter retry to the session receiver, read by `repro traces`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repro-otlp-dup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores both requests, and the summary counts each span once with its critical path once', async () => {
    const receiver = await startOtlpReceiver({ host: '127.0.0.1', outDir: dir });
    try {
      const body = JSON.stringify(otlp(tree));
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${receiver.port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(200);
      }
    } finally {
      await receiver.close();
    }
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: process.cwd(), isTTY: false };
    expect(await main(['traces', dir, '--json'], io)).toBe(0);
    const summary = JSON.parse(stdout) as { spans: number; longestTrace: { criticalPath: { name: string }[] } };
    expect(summary.spans).toBe(3);
    expect(summary.longestTrace.criticalPath.map((e) => e.name)).toEqual(['POST /checkout', 'SELECT cart', 'charge']);
    expect(stderr).toContain(`warning: trace ${TRACE}: 3 spans appear more than once with the same content`);
  });
});
