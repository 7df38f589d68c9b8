/** Critical path on hand-made trees (Jaeger's algorithm; see shared/traces/critical-path.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { criticalPath, criticalPathSections } from '../../../shared/traces/critical-path';
import { handTrace, idx, type HandSpan } from './fixtures';

function path(spans: HandSpan[]) {
  const r = handTrace(spans);
  const t = r.set.traces[0]!;
  const name = (i: number) => r.set.names[t.name[i]!]!;
  return {
    sections: criticalPathSections(t).map((s) => `${name(s.span)}:${s.start}-${s.end}`),
    entries: criticalPath(t).map((e) => `${name(e.span)}=${e.selfUs}`),
  };
}

describe('critical path', () => {
  it('a lone span is its own path', () => {
    expect(path([{ id: 'root', start: 0, end: 100 }]).sections).toEqual(['root:0-100']);
  });

  it('sequential children: the path alternates between parent gaps and each child', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'a', parent: 'root', start: 10, end: 30 },
      { id: 'b', parent: 'root', start: 40, end: 90 },
    ]);
    expect(p.sections).toEqual(['root:0-10', 'a:10-30', 'root:30-40', 'b:40-90', 'root:90-100']);
    expect(p.entries).toEqual(['root=30', 'a=20', 'b=50']);
  });

  it('parallel children: only the last-finishing one is on the path; overlapping siblings are skipped', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'a', parent: 'root', start: 10, end: 80 },
      { id: 'b', parent: 'root', start: 20, end: 90 },
    ]);
    expect(p.sections).toEqual(['root:0-20', 'b:20-90', 'root:90-100']);
  });

  it('after returning from a child, the next one is the latest that ended strictly before it started', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'early', parent: 'root', start: 5, end: 15 },
      { id: 'mid', parent: 'root', start: 10, end: 35 },
      { id: 'touch', parent: 'root', start: 30, end: 40 }, // ends exactly when "last" starts: not before it
      { id: 'last', parent: 'root', start: 40, end: 95 },
    ]);
    expect(p.sections).toEqual(['root:0-10', 'mid:10-35', 'root:35-40', 'last:40-95', 'root:95-100']);
  });

  it('nested children are followed down and back up', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'a', parent: 'root', start: 10, end: 90 },
      { id: 'a1', parent: 'a', start: 20, end: 50 },
      { id: 'a2', parent: 'a', start: 60, end: 80 },
    ]);
    expect(p.sections).toEqual(['root:0-10', 'a:10-20', 'a1:20-50', 'a:50-60', 'a2:60-80', 'a:80-90', 'root:90-100']);
  });

  it('children are clipped to their parent; a child wholly outside is dropped with its subtree', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'over', parent: 'root', start: 50, end: 150 },
      { id: 'under', parent: 'over', start: 120, end: 140 }, // outside the clipped parent [50,100]
      { id: 'after', parent: 'root', start: 120, end: 130 },
    ]);
    expect(p.sections).toEqual(['root:0-50', 'over:50-100']);
  });

  it('a child starting before its parent is clipped to the parent start', () => {
    const p = path([
      { id: 'root', start: 10, end: 100 },
      { id: 'early', parent: 'root', start: 0, end: 50 },
    ]);
    // Times are relative to the trace start, which is the child's (earlier) start.
    expect(p.sections).toEqual(['early:10-50', 'root:50-100']);
  });

  it('FOLLOWS_FROM children do not block their parent', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'async', parent: 'root', start: 10, end: 90, followsFrom: true },
    ]);
    expect(p.sections).toEqual(['root:0-100']);
  });

  it('a child starting at the trace start (time 0) is handled (Jaeger tests times for truthiness)', () => {
    const p = path([
      { id: 'root', start: 0, end: 100 },
      { id: 'a', parent: 'root', start: 0, end: 40 },
      { id: 'b', parent: 'root', start: 50, end: 100 },
    ]);
    expect(p.sections).toEqual(['a:0-40', 'root:40-50', 'b:50-100']);
  });

  it('several roots each get their path', () => {
    const p = path([
      { id: 'r1', start: 0, end: 10 },
      { id: 'r2', start: 20, end: 30 },
    ]);
    expect(p.sections).toEqual(['r1:0-10', 'r2:20-30']);
  });

  it('property: for one root, the sections tile the root interval exactly, each inside its span', () => {
    const spanArb = fc.array(fc.tuple(fc.nat(20), fc.nat(1000), fc.nat(400)), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(spanArb, (raw) => {
        const spans: HandSpan[] = [{ id: 's0', start: 0, end: 1000 }];
        raw.forEach(([p, s, d], k) => {
          spans.push({ id: `s${k + 1}`, parent: `s${p % (k + 1)}`, start: s, end: s + d });
        });
        const r = handTrace(spans);
        const t = r.set.traces[0]!;
        const root = idx(r, 's0');
        const secs = criticalPathSections(t);
        let at = t.start[root]!;
        for (const s of secs) {
          if (s.start !== at) return false;
          if (s.end <= s.start) return false;
          if (s.start < t.start[s.span]! - 1e-9 && s.start < t.start[root]!) return false;
          at = s.end;
        }
        return at === t.end[root]!;
      }),
      { numRuns: 300 },
    );
  });

  it('covers a wide, deep 100k-span trace (50k levels: no recursion limit) end to end', () => {
    const spans: HandSpan[] = [{ id: 'root', start: 0, end: 1_000_000 }];
    for (let k = 0; k < 50_000; k++) spans.push({ id: `w${k}`, parent: 'root', start: k * 20, end: k * 20 + 15 });
    let parent = 'root';
    for (let k = 0; k < 50_000; k++) {
      spans.push({ id: `d${k}`, parent, start: k, end: 1_000_000 - k });
      parent = `d${k}`;
    }
    const t = handTrace(spans).set.traces[0]!;
    const secs = criticalPathSections(t); // how fast is bench/traces.bench.ts's business
    expect(secs.reduce((a, s) => a + s.end - s.start, 0)).toBe(1_000_000);
  });
});
