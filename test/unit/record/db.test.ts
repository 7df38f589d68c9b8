import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordDb } from '../../../electron/services/record/db';

let dir: string;
let t: number;
const clock = () => t;
const context = { incident: { id: 'INC-1', title: 'Checkout slow' }, secretNames: ['PAYMENT_KEY'] };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repro-record-'));
  t = Date.UTC(2026, 10, 20, 14, 0, 0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('record database', () => {
  it('records a session timeline and the time to reproduce, and survives reopening', () => {
    const file = join(dir, 'record.sqlite');
    let db = new RecordDb(file, { now: clock });
    db.recordEvent({ name: 's1', bundleId: 'INC-1', createdAt: '2026-11-20T14:00:00Z', context }, { kind: 'up', data: { services: 2 } });
    t += 60_000;
    const step = db.recordEvent('s1', { kind: 'step', data: { index: 0, kind: 'sh', service: 'pricing', ok: false, output: 'slow' } });
    t += 30_000;
    db.addNote('s1', 'pricing takes 2s per call');
    db.close();

    db = new RecordDb(file, { now: clock });
    t += 30_000;
    const mark = db.mark('s1', 'reproduced', { note: 'p99 back at 2.1s' });
    expect(mark.evidence).toEqual([{ eventId: step.id, kind: 'step', label: 'step 1 (sh on pricing) failed' }]);
    const session = db.requireSession('s1');
    expect(db.events(session.id).map((e) => e.kind)).toEqual(['up', 'step', 'note', 'marked']);
    expect(db.summary(session.id)).toMatchObject({ verdict: 'reproduced', timeToReproduceMs: 120_000, eventCount: 4 });
    db.close();
  });

  it('counts time to reproduce from the environment\'s up even when up wrote no event', () => {
    const db = new RecordDb(join(dir, 'r.sqlite'), { now: clock });
    const upAt = new Date(t - 300_000).toISOString();
    db.recordEvent({ name: 's1', bundleId: 'INC-1', createdAt: upAt }, { kind: 'step', data: { index: 0 } });
    t += 60_000;
    db.mark('s1', 'reproduced');
    expect(db.summary(db.requireSession('s1').id)).toMatchObject({ firstEventAt: t - 360_000, timeToReproduceMs: 360_000 });
    db.close();
  });

  it('never stores secret values', () => {
    const db = new RecordDb(join(dir, 'r.sqlite'), { now: clock });
    db.recordEvent({ name: 's1', bundleId: 'INC-1', context }, { kind: 'up', data: { env: { PAYMENT_KEY: 'sk_live_abcdef123456', MODE: 'x' } } });
    db.recordEvent('s1', { kind: 'step', data: { output: 'HOSTNAME=a\nPAYMENT_KEY=sk_live_abcdef123456\nkey is sk_live_abcdef123456' } }, { secretValues: ['sk_live_abcdef123456'] });
    db.recordEvent('s1', { kind: 'step', data: { output: 'PAYMENT_KEY=other-value-unknown-to-caller' } });
    const events = db.events(db.requireSession('s1').id);
    const all = JSON.stringify(events);
    expect(all).not.toContain('sk_live');
    expect(all).not.toContain('other-value-unknown');
    expect(events[0]!.data).toEqual({ env: { PAYMENT_KEY: '[redacted]', MODE: 'x' } });
    expect((events[1]!.data as { output: string }).output).toBe('HOSTNAME=a\nPAYMENT_KEY=[redacted]\nkey is [redacted]');
    db.close();
  });

  it('starts a new record when a session name is reused after down', () => {
    const db = new RecordDb(join(dir, 'r.sqlite'), { now: clock });
    db.recordEvent({ name: 's1', bundleId: 'INC-1' }, { kind: 'up' });
    db.recordEvent('s1', { kind: 'down' });
    t += 1000;
    db.recordEvent({ name: 's1', bundleId: 'INC-1' }, { kind: 'up' });
    expect(db.history().map((h) => h.eventCount)).toEqual([1, 2]);
    db.recordEvent({ name: 's1', bundleId: 'INC-2' }, { kind: 'replay' });
    expect(db.history()).toHaveLength(3);
    db.close();
  });

  it('computes the reproducible-incident rate and median time to reproduce across sessions', () => {
    const db = new RecordDb(join(dir, 'r.sqlite'), { now: clock });
    const session = (name: string, bundleId: string, verdicts: Array<['reproduced' | 'not-reproducible', number]>) => {
      const start = t;
      db.recordEvent({ name, bundleId }, { kind: 'up', at: start });
      for (const [v, after] of verdicts) db.mark(name, v, { at: start + after, evidence: [] });
    };
    session('a', 'INC-1', [['not-reproducible', 10_000]]);
    session('b', 'INC-1', [['reproduced', 60_000]]); // INC-1 reproduced in the end
    session('c', 'INC-2', [['not-reproducible', 5_000]]);
    session('d', 'INC-3', [['reproduced', 180_000]]);
    session('e', 'INC-4', []); // no verdict yet: not counted
    session('f', 'INC-5', [['not-reproducible', 1000], ['reproduced', 300_000], ['reproduced', 400_000]]);
    const stats = db.stats();
    expect(stats).toEqual({
      sessions: 6,
      incidents: 5,
      incidentsWithVerdict: 4,
      incidentsReproduced: 3,
      reproducibleRate: 0.75,
      medianTimeToReproduceMs: 180_000,
    });
    expect(() => db.mark('a', 'reproduced', { evidence: [9999] })).toThrow(/not part of session a/);
    expect(() => db.mark('zzz', 'reproduced')).toThrow(/no record of a session named "zzz"/);
    expect(() => db.recordEvent('a', { kind: 'bogus' as never })).toThrow(/unknown record event kind/);
    db.close();
  });
});
