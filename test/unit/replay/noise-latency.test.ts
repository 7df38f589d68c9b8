import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/replay/bytes';
import { suggestNoise, type RunResponse } from '../../../shared/replay/noise';
import { judgeLatency, latencyHistogram, summarizeLatency } from '../../../shared/replay/latency';
import { formatRate, parseReplayMode, successRate } from '../../../shared/replay/report';

const run = (index: number, body: unknown, status = 200): RunResponse => ({ index, status, contentType: 'application/json', body: utf8(JSON.stringify(body)) });

describe('suggestNoise', () => {
  it('proposes scalar fields that differ between two runs, generalising array positions', () => {
    const first = [run(0, { orderId: 'a1', servedAt: '10:00:01', items: [{ sku: 'x', etag: 'e1' }, { sku: 'y', etag: 'e2' }], total: 5 }), run(1, { servedAt: '10:00:02', total: 7 })];
    const second = [run(0, { orderId: 'b7', servedAt: '10:00:03', items: [{ sku: 'x', etag: 'e9' }, { sku: 'y', etag: 'e8' }], total: 5 }), run(1, { servedAt: '10:00:04', total: 7 })];
    const s = suggestNoise(first, second, []);
    expect(s.suggested.map((x) => [x.path, x.requests])).toEqual([
      ['$.servedAt', 2],
      ['$.items[*].etag', 1],
      ['$.orderId', 1],
    ]);
    expect(s.suggested[1]!.example).toEqual({ index: 0, first: 'e1', second: 'e9' });
    expect(s.refused).toEqual([]);
    expect(s.comparedRequests).toBe(2);
  });

  it('never proposes a whole object, an array length, a status or what noise already covers', () => {
    const first = [run(0, { meta: { id: 1 }, tags: ['a', 'b'], list: [1], status: 'ok', at: 1, shape: 'x', both: 1 }), run(1, { a: 1 }, 200)];
    const second = [run(0, { meta: 'gone', tags: ['a', 'c'], list: [1, 2], status: 'degraded', at: 2, shape: { x: 1 }, both: 2 }), run(1, { a: 1 }, 503)];
    const s = suggestNoise(first, second, ['$.at']);
    expect(s.suggested.map((x) => x.path)).toEqual(['$.both']);
    const refused = Object.fromEntries(s.refused.map((r) => [r.path, r.reason]));
    expect(refused['$.meta']).toMatch(/type differs/);
    expect(refused['$.tags[*]']).toMatch(/array element/);
    expect(refused['$.list[*]']).toMatch(/array length/);
    expect(refused['$.status']).toMatch(/status field/);
    expect(refused['$.shape']).toMatch(/type differs/);
    expect(s.unstableStatus).toEqual([{ index: 1, first: 200, second: 503 }]);
  });

  it('refuses a generalised path that would also hide an object elsewhere', () => {
    const first = [run(0, { items: [{ v: 1 }, { v: { deep: true } }] })];
    const second = [run(0, { items: [{ v: 2 }, { v: { deep: true } }] })];
    const s = suggestNoise(first, second, []);
    expect(s.suggested).toEqual([]);
    expect(s.refused[0]).toMatchObject({ path: '$.items[*].v', reason: expect.stringMatching(/whole object/) });
  });
});

describe('latency', () => {
  it('summarises with nearest-rank percentiles', () => {
    const s = summarizeLatency([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    expect(s).toMatchObject({ count: 10, min: 1, p50: 5, p90: 9, p99: 10, max: 10, mean: 5.5 });
    expect(summarizeLatency([]).count).toBe(0);
  });
  it('puts both distributions into shared buckets', () => {
    const h = latencyHistogram([1, 10, 100], [2, 20], 4);
    expect(h).toHaveLength(4);
    expect(h.reduce((n, b) => n + b.recorded, 0)).toBe(3);
    expect(h.reduce((n, b) => n + b.replayed, 0)).toBe(2);
    expect(h[3]!.upToMs).toBe(100);
  });
  it('judges whether the replay is as slow as the recording with the canary test', () => {
    const incident = Array.from({ length: 40 }, (_, i) => 400 + (i % 10) * 7);
    const fast = Array.from({ length: 40 }, (_, i) => 20 + (i % 10));
    const alike = Array.from({ length: 40 }, (_, i) => 402 + (i % 10) * 7);
    expect(judgeLatency(incident, fast).verdict).toBe('faster');
    expect(judgeLatency(incident, alike).verdict).toBe('as-slow');
    expect(judgeLatency(fast, incident).verdict).toBe('slower');
    expect(judgeLatency([], fast).verdict).toBe('nodata');
  });
});

describe('report helpers', () => {
  it('parses modes', () => {
    expect(parseReplayMode('x2')).toEqual({ kind: 'scaled', factor: 2 });
    expect(parseReplayMode('x0.5')).toEqual({ kind: 'scaled', factor: 0.5 });
    expect(() => parseReplayMode('fast')).toThrow(/expected as-recorded, max or xN/);
    expect(() => parseReplayMode('x0')).toThrow();
  });
  it('computes the success rate', () => {
    expect(successRate(2, 3)).toBe(0.6667);
    expect(successRate(0, 0)).toBeNull();
    expect(formatRate(null)).toBe('n/a');
    expect(formatRate(0.875)).toBe('87.5%');
  });
});
