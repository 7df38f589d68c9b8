/** Spans are numbered in start order (ties: shallower first, then span ID), whatever the input order. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { handTrace, type HandSpan } from './fixtures';

describe('start order', () => {
  it('property: index order is (start, depth, span ID) and parents precede children at equal start', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.nat(8), fc.nat(5)), { minLength: 1, maxLength: 60 }), (raw) => {
        const spans: HandSpan[] = [{ id: 'r', start: 0, end: 100 }];
        raw.forEach(([p, s, d], k) => spans.push({ id: `s${k}`, parent: p % (k + 1) === 0 ? 'r' : `s${(p % (k + 1)) - 1}`, start: s, end: s + d }));
        // Shuffle the input order deterministically: the numbering must not depend on it.
        const shuffled = spans.map((s, i) => [((i * 7919) % 101) + i / 1000, s] as const).sort((a, b) => a[0] - b[0]).map(([, s]) => s);
        const a = handTrace(spans).set.traces[0]!;
        const b = handTrace(shuffled).set.traces[0]!;
        expect(b.spanId).toEqual(a.spanId);
        for (let i = 1; i < a.spanCount; i++) {
          const c = a.start[i - 1]! - a.start[i]! || a.depth[i - 1]! - a.depth[i]! || (a.spanId[i - 1]! < a.spanId[i]! ? -1 : 1);
          if (c > 0) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
