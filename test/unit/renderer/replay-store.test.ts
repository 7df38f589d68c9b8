// The replay store's rows grow in place in request order, whatever order batches complete in, and
// a late answer about another session never lands on the one shown (real in-process API).
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../../shared/replay/report';
import { ResultRows, useReplay } from '../../../renderer/src/store/replay';
import { installInProcessApi } from './in-process-api';

const { api, cleanup } = installInProcessApi();
afterAll(cleanup);

const row = (index: number, outcome: ReplayResult['outcome'] = 'matched'): ReplayResult => ({
  index,
  method: 'GET',
  url: `http://checkout:8080/r${index}`,
  status: 200,
  recordedStatus: 200,
  outcome,
  latencyMs: 1,
  recordedLatencyMs: 1,
  source: `traffic/a.har#${index}`,
});

describe('ResultRows', () => {
  it('keeps rows in request order as out-of-order batches arrive, growing the same arrays', () => {
    const rows = new ResultRows();
    const all = rows.all;
    const mismatched = rows.mismatched;
    rows.add([row(1), row(0, 'mismatched'), row(3)]);
    rows.add([row(2, 'error'), row(5, 'mismatched')]);
    rows.add([row(4)]);
    expect(rows.all).toBe(all); // appended in place, never copied
    expect(rows.mismatched).toBe(mismatched);
    expect(rows.all.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.list('mismatched').map((r) => r.index)).toEqual([0, 5]);
    expect(rows.list('error').map((r) => r.index)).toEqual([2]);
    expect(rows.list('matched').map((r) => r.index)).toEqual([1, 3, 4]);
    expect(rows.find(4)?.index).toBe(4);
    expect(rows.find(9)).toBeUndefined();
  });

  it('a large replay arriving in shuffled batches of a concurrency window stays ordered', () => {
    const rows = new ResultRows();
    const n = 20_000;
    for (let start = 0; start < n; start += 64) {
      const batch = Array.from({ length: Math.min(64, n - start) }, (_, i) => row(start + i));
      batch.reverse(); // the worst order inside a window
      rows.add(batch);
    }
    expect(rows.all).toHaveLength(n);
    expect(rows.all.every((r, i) => r.index === i)).toBe(true);
  });
});

describe('replay store', () => {
  it("a late answer for the session left behind does not land on the one now shown", async () => {
    const release = api.hold('replay.list');
    const old = useReplay.getState().loadSession('left-behind');
    await useReplay.getState().loadSession('shown-now');
    release();
    await old;
    const { reports, unmatched } = useReplay.getState();
    expect(reports).toMatchObject({ key: 'shown-now', loading: false, error: { code: 'not_found' } });
    expect(unmatched.key).toBe('shown-now');
  });
});
