// The computed verdict in the record: kept when it says something new, kept beside the person's
// mark, and the end of time to reproduce; the report opens with it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordDb } from '../../../electron/services/record/db';
import { renderReport } from '../../../shared/record/report';
import type { RecordedVerdict } from '../../../shared/verdict/types';

let dir: string;
let t: number;
let db: RecordDb;
const upAt = Date.UTC(2026, 10, 20, 14, 0, 0);

const verdict = (v: RecordedVerdict['verdict'], confidence: RecordedVerdict['confidence'] = 'high', reason = `it is ${v}`): RecordedVerdict => ({
  verdict: v,
  confidence,
  reasons: [reason],
  decidedBy: 'replay',
  evidence: [
    { kind: 'replay', verdict: v === 'inconclusive' ? 'missing' : v, explanation: reason, recordEvents: [2] },
    { kind: 'metrics', verdict: 'missing', explanation: 'The bundle has no canary metrics to compare the reproduction with.' },
  ],
  missing: ['metrics'],
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repro-verdict-record-'));
  t = upAt;
  db = new RecordDb(join(dir, 'record.sqlite'), { now: () => t });
  db.recordEvent({ name: 's1', bundleId: 'INC-1', createdAt: new Date(upAt).toISOString(), context: { incident: { id: 'INC-1', title: 'Checkout slow' } } }, { kind: 'up', data: {} });
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('computed verdicts in the record', () => {
  it('keeps one only when it says something new, and none before there is any evidence', () => {
    const nothing: RecordedVerdict = { ...verdict('inconclusive', 'low'), evidence: [{ kind: 'replay', verdict: 'missing', explanation: 'no replay' }] };
    expect(db.recordVerdict('s1', nothing)).toEqual({ changed: false });
    t += 10_000;
    const first = db.recordVerdict('s1', verdict('reproduced'));
    expect(first.changed).toBe(true);
    t += 10_000;
    expect(db.recordVerdict('s1', verdict('reproduced'))).toEqual({ changed: false, event: { ...first.event!, data: verdict('reproduced') } });
    expect(db.recordVerdict('s1', verdict('reproduced', 'medium')).changed).toBe(true);
    expect(db.recordVerdict('s1', verdict('reproduced', 'medium', 'new words')).changed).toBe(true);
    const s = db.requireSession('s1');
    expect(db.events(s.id, { kinds: ['verdict'] })).toHaveLength(3);
  });

  it('time to reproduce runs to the first reproduced verdict, computed or marked; without a mark the computed verdict counts', () => {
    t += 45_000;
    db.recordVerdict('s1', verdict('reproduced'));
    t += 60_000;
    db.recordVerdict('s1', verdict('reproduced', 'medium'));
    const s = db.requireSession('s1');
    expect(db.summary(s.id)).toMatchObject({ verdict: 'reproduced', verdictSource: 'computed', timeToReproduceMs: 45_000, computed: { verdict: 'reproduced', confidence: 'medium' } });
    t += 60_000;
    db.mark('s1', 'reproduced');
    expect(db.summary(s.id)).toMatchObject({ verdict: 'reproduced', verdictSource: 'person', timeToReproduceMs: 45_000 });
    expect(db.stats()).toMatchObject({ incidentsReproduced: 1, reproducibleRate: 1, medianTimeToReproduceMs: 45_000 });
  });

  it("a mark keeps the computed verdict it confirms or overrides; the person's word decides", () => {
    t += 10_000;
    const computed = db.recordVerdict('s1', verdict('not-reproduced')).event!;
    t += 10_000;
    const mark = db.mark('s1', 'reproduced', { note: 'the 502s are there, the replay ran against the wrong flag' });
    expect(mark).toMatchObject({ verdict: 'reproduced', agrees: false, computed: { eventId: computed.id, verdict: 'not-reproduced', confidence: 'high' } });
    const s = db.requireSession('s1');
    expect(db.marks(s.id)[0]).toMatchObject({ agrees: false, computed: { eventId: computed.id, reasons: ['it is not-reproduced'] } });
    expect(db.summary(s.id)).toMatchObject({ verdict: 'reproduced', verdictSource: 'person', computed: { verdict: 'not-reproduced' }, timeToReproduceMs: 20_000 });
    // A mark naming the verdict event it saw keeps that one, not a later one.
    t += 10_000;
    db.recordVerdict('s1', verdict('reproduced'));
    expect(db.mark('s1', 'not-reproducible', { computedEvent: computed.id })).toMatchObject({ agrees: true, computed: { eventId: computed.id } });
    expect(() => db.mark('s1', 'reproduced', { computedEvent: 1 })).toThrow(/not a computed verdict/);
  });

  it('the report opens with the verdict: whose word, the computed verdict, its reasons and each evidence', () => {
    t += 30_000;
    db.recordVerdict('s1', verdict('reproduced', 'medium', 'All 8 replayed requests got the recorded answer.'));
    t += 30_000;
    db.mark('s1', 'reproduced', { note: 'confirmed by hand' });
    const s = db.requireSession('s1');
    const md = renderReport({ summary: db.summary(s.id), events: db.events(s.id), marks: db.marks(s.id), generatedAt: t, generator: 'test' }, 'md');
    const section = md.slice(md.indexOf('## Reproduction verdict'), md.indexOf('## Incident'));
    expect(md.indexOf('## Reproduction verdict')).toBeLessThan(md.indexOf('## Incident'));
    expect(section).toContain('**Reproduced in 30 s (first action to the first "reproduced" verdict) (marked by a person)**');
    expect(section).toContain('This confirms the computed verdict. Note: confirmed by hand');
    expect(section).toContain("The workbench's verdict (as of 2026-11-20T14:00:30.000Z): Reproduced, medium confidence. All 8 replayed requests got the recorded answer.");
    expect(section).toContain('| Metrics | Not available | The bundle has no canary metrics to compare the reproduction with. |');
    expect(md).toMatch(/computed verdict: reproduced \(medium confidence\): All 8 replayed requests/);
  });
});
