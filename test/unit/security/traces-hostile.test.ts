/**
 * Hostile corpus, attacks 8 and 9 on the trace importer (`repro traces`, the Traces pane, the
 * findings an up records): a long trace whose root has 80,000 back-to-back children (its
 * critical path spread a 160k-element array into one call: "Maximum call stack size exceeded"),
 * and a folder where one file is junk, which must be reported and skipped, never fatal.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One trace: a root and `children` spans one after another under it, 1 µs each. */
export function longTrace(children: number): string {
  const traceId = hex(0xabc, 32);
  const spans = [{ traceId, spanId: hex(1, 16), name: 'root', startTimeUnixNano: '1000000000', endTimeUnixNano: String(1_000_000_000 + children * 1000 + 1000) }];
  for (let i = 0; i < children; i++) {
    const start = 1_000_000_000 + i * 1000 + 500;
    spans.push({ traceId, spanId: hex(i + 2, 16), parentSpanId: hex(1, 16), name: `child-${i}`, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 900) } as (typeof spans)[number]);
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans }] }] });
}

async function repro(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: process.cwd(), isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-traces-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the trace importer against hostile input', () => {
  it('a root with 80,000 back-to-back children: summary and critical path, no stack overflow', async () => {
    writeFileSync(join(dir, 'long.json'), longTrace(80_000));
    const r = await repro('traces', join(dir, 'long.json'));
    expect(r.stderr).not.toMatch(/call stack/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 trace, 80001 spans/);
    expect(r.stdout).toMatch(/child-79999/);
  });


  it('one junk file in a folder is reported and skipped; the others load', async () => {
    const folder = join(dir, 'otlp');
    mkdirSync(folder);
    writeFileSync(join(folder, '1-good.json'), longTrace(3));
    writeFileSync(join(folder, '2-junk.json'), '{"hello":"world"}');
    writeFileSync(join(folder, '3-array.json'), '[1,2]');
    writeFileSync(join(folder, '4-broken.json'), '{"resourceSpans": [');
    const r = await repro('traces', folder, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ traces: 1, spans: 4 });
    expect(r.stderr).toMatch(/2-junk\.json.*skipped/);
    expect(r.stderr).toMatch(/more|3-array\.json.*skipped/);
  });

  it('a single file that is not a trace is still a clear error', async () => {
    writeFileSync(join(dir, 'junk.json'), '{"hello":"world"}');
    const r = await repro('traces', join(dir, 'junk.json'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/junk\.json: not OTLP\/JSON/);
  });
});
