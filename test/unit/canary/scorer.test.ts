import { describe, expect, it } from 'vitest';
import type { Classification } from '../../../shared/canary/classifier';
import { scoreMetrics, type ScoredMetric } from '../../../shared/canary/scorer';

const m = (name: string, group: string, classification: Classification, critical = false): ScoredMetric => ({
  name,
  group,
  classification,
  critical,
  reason: `${name} was ${classification}`,
});
const thresholds = { pass: 95, marginal: 75 };

describe('weighted sum scorer (Kayenta semantics)', () => {
  it('scores groups as Pass / counted and weights them', () => {
    const r = scoreMetrics(
      [m('p99', 'latency', 'Pass'), m('p50', 'latency', 'High'), m('5xx', 'errors', 'Pass'), m('4xx', 'errors', 'Pass')],
      { latency: 60, errors: 40 },
      thresholds,
    );
    expect(r.groups.map((g) => [g.name, g.score, g.weight])).toEqual([
      ['errors', 100, 40],
      ['latency', 50, 60],
    ]);
    expect(r.score).toBe(70); // 50 * 0.6 + 100 * 0.4
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/below the marginal threshold 75; not passing: p50 \(High\)/);
  });

  it('shares what is left among unweighted groups', () => {
    const r = scoreMetrics([m('a', 'g1', 'Pass'), m('b', 'g2', 'High'), m('c', 'g3', 'Pass')], { g1: 50 }, thresholds);
    expect(r.groups.find((g) => g.name === 'g2')!.weight).toBe(25);
    expect(r.score).toBe(75); // 100*0.5 + 0*0.25 + 100*0.25
    expect(r.verdict).toBe('marginal');
  });

  it('does not count Nodata or Error, counts NodataFailMetric as a failure', () => {
    const r = scoreMetrics(
      [m('a', 'g', 'Pass'), m('b', 'g', 'Nodata'), m('c', 'g', 'Error'), m('d', 'g', 'NodataFailMetric'), m('e', 'g', 'Pass'), m('f', 'g', 'Pass')],
      {},
      thresholds,
    );
    expect(r.groups[0]!.score).toBe(75); // 3 Pass of 4 counted
    expect(r.score).toBe(75);
  });

  it('gives a group with nothing counted its full weight', () => {
    const r = scoreMetrics([m('a', 'g1', 'Pass'), m('b', 'g1', 'Pass'), m('c', 'g2', 'Error')], { g1: 50, g2: 50 }, thresholds);
    expect(r.groups.find((g) => g.name === 'g2')!.noData).toBe(true);
    expect(r.score).toBe(100);
  });

  it('scores 0 on a critical failure and names it', () => {
    const r = scoreMetrics([m('p99', 'latency', 'High', true), m('x', 'latency', 'Pass'), m('y', 'latency', 'Pass')], {}, thresholds);
    expect(r.score).toBe(0);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/^Critical metric "p99" failed: p99 was High/);
  });

  it('scores 0 when half or more of the metrics have no data', () => {
    const r = scoreMetrics([m('a', 'g', 'Nodata'), m('b', 'g', 'Pass')], {}, thresholds);
    expect(r.score).toBe(0);
    expect(r.reason).toMatch(/1 of 2 metrics had no data/);
  });

  it('passes at the threshold and warns about weights without metrics', () => {
    const r = scoreMetrics([m('a', 'latency', 'Pass')], { latency: 60, errors: 40 }, thresholds);
    expect(r.score).toBe(60);
    expect(r.warnings.join(' ')).toMatch(/"errors" has weight 40 but no metric/);
    const all = scoreMetrics([m('a', 'g', 'Pass')], {}, { pass: 100, marginal: 50 });
    expect(all.verdict).toBe('pass');
  });
});
