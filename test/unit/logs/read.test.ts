/**
 * Reading log files: streamed line by line with their numbers and byte offsets (lines that
 * straddle read chunks included), bad lines counted and named but never fatal, a pretty-printed
 * OTLP export read as one document, and a bundle's links never followed.
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLogFiles, readLineAt, readLogFiles, type LogFile } from '../../../electron/services/logs/read';
import type { BadLine, LogRecord } from '../../../shared/logs/record';

const dir = mkdtempSync(join(tmpdir(), 'repro-logs-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(files: LogFile[]) {
  const recs: Array<{ rec: LogRecord; file: number; line: number; offset: number }> = [];
  const bad: BadLine[] = [];
  const summary = await readLogFiles(files, { onRecord: (rec, file, line, offset) => recs.push({ rec, file, line, offset }), onBadLine: (b) => bad.push(b) });
  return { recs, bad, summary };
}

describe('reading log files', () => {
  it('streams lines across chunk boundaries with numbers and offsets; bad lines are counted, named and skipped', async () => {
    const folder = join(dir, 'plain');
    mkdirSync(folder);
    const lines: string[] = [];
    // ~2.5 MiB: several 1 MiB read chunks, so lines straddle them; multi-byte characters too.
    for (let i = 0; i < 12_000; i++) lines.push(JSON.stringify({ ts: 1795183392000 + i, service: 'pricing', level: 'info', msg: `line ${i} — prix ${'é'.repeat(i % 7)} ${'x'.repeat(150)}` }));
    lines[5000] = '{"ts": 1, "msg": broken';
    lines[7000] = '';
    lines[9000] = 'plain text in a jsonl file';
    const text = '\uFEFF' + lines.join('\r\n') + '\n';
    writeFileSync(join(folder, 'pricing.jsonl'), text);
    const found = await findLogFiles(folder);
    expect(found.files.map((f) => f.name)).toEqual(['pricing.jsonl']);
    const { recs, bad, summary } = await readAll(found.files);
    expect(summary).toMatchObject({ lines: 11_997, badLines: 2, lineCounts: [12_000] });
    expect(bad.map((b) => [b.file, b.line])).toEqual([
      ['pricing.jsonl', 5001],
      ['pricing.jsonl', 9001],
    ]);
    expect(bad[0]!.error).toMatch(/^not JSON/);
    expect(recs[0]!.rec.msg).toMatch(/^line 0 — prix/);
    const r = recs.find((x) => x.line === 10_001)!;
    expect(r.rec.msg).toContain('line 10000');
    // the offset reads the very line back
    expect(JSON.parse(await readLineAt(found.files[0]!, r.offset)).msg).toBe(r.rec.msg);
  });

  it('reads a pretty-printed OTLP/JSON logs export as one document', async () => {
    const folder = join(dir, 'otlp');
    mkdirSync(folder);
    const doc = {
      resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1795183392000000000', severityText: 'WARN', body: { stringValue: 'retrying payments' } }] }] }],
    };
    writeFileSync(join(folder, 'export.json'), JSON.stringify(doc, null, 2));
    const { recs, bad } = await readAll((await findLogFiles(folder)).files);
    expect(bad).toEqual([]);
    expect(recs.map((r) => [r.rec.service, r.rec.msg, r.rec.ts])).toEqual([['checkout', 'retrying payments', 1795183392000]]);
  });

  it("never follows a link in a bundle's logs/ folder", async () => {
    const bundle = join(dir, 'bundle');
    mkdirSync(join(bundle, 'logs'), { recursive: true });
    writeFileSync(join(bundle, 'bundle.json'), '{}');
    writeFileSync(join(bundle, 'logs', 'ok.jsonl'), '{"ts":1,"service":"a","msg":"fine"}\n');
    writeFileSync(join(dir, 'secret.jsonl'), '{"ts":1,"service":"x","msg":"outside the bundle"}\n');
    symlinkSync(join(dir, 'secret.jsonl'), join(bundle, 'logs', 'evil.jsonl'));
    const found = await findLogFiles(bundle);
    expect(found.files.map((f) => f.name)).toEqual(['logs/ok.jsonl']);
    const { recs } = await readAll(found.files);
    expect(recs.map((r) => r.rec.msg)).toEqual(['fine']);
  });
});
