import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../../shared/random';
import { judgeReproduction } from '../../../shared/canary/reproduction';

function draw(seed: number, n: number, mean: number, sd: number): number[] {
  const normal = gaussian(mulberry32(seed));
  return Array.from({ length: n }, () => Math.max(0, mean + sd * normal()));
}

const incidentCanary = draw(1, 80, 0.9, 0.05);
const incidentBaseline = draw(2, 80, 0.3, 0.05);

describe('judgeReproduction', () => {
  it('says like-canary when the reproduction shows the canary regression', () => {
    const r = judgeReproduction({ reproSamples: draw(3, 50, 0.9, 0.06), incidentCanary, incidentBaseline, metric: 'replay latency' });
    expect(r.verdict).toBe('like-canary');
    expect(r.incident.classification).toBe('High');
    expect(r.vsBaseline.classification).toBe('High');
    expect(r.vsCanary.classification).toBe('Pass');
    expect(r.explanation).toMatch(/^The reproduction behaves like the incident's canary on replay latency: it is higher than the baseline/);
  });

  it('says like-baseline when the reproduction is healthy', () => {
    const r = judgeReproduction({ reproSamples: draw(4, 50, 0.3, 0.05), incidentCanary, incidentBaseline });
    expect(r.verdict).toBe('like-baseline');
    expect(r.vsCanary.classification).toBe('Low');
    expect(r.explanation).toMatch(/like the incident's baseline/);
  });

  it('is inconclusive in between, or when the incident shows no deviation', () => {
    const between = judgeReproduction({ reproSamples: draw(5, 50, 0.6, 0.05), incidentCanary, incidentBaseline });
    expect(between.verdict).toBe('inconclusive');
    expect(between.explanation).toMatch(/matches neither side cleanly on the metric: against the baseline it is High, against the canary Low/);
    const flat = judgeReproduction({ reproSamples: draw(6, 50, 0.3, 0.05), incidentCanary: draw(7, 80, 0.3, 0.05), incidentBaseline });
    expect(flat.verdict).toBe('inconclusive');
    expect(flat.explanation).toMatch(/did not deviate/);
    const empty = judgeReproduction({ reproSamples: [NaN], incidentCanary, incidentBaseline });
    expect(empty.verdict).toBe('inconclusive');
    expect(empty.explanation).toMatch(/no samples/);
  });

  it('is deterministic', () => {
    const input = { reproSamples: Array(20).fill(0.9), incidentCanary: Array(20).fill(0.9), incidentBaseline: Array(20).fill(0.3) };
    expect(judgeReproduction(input)).toEqual(judgeReproduction(input));
    expect(judgeReproduction(input).verdict).toBe('like-canary');
  });
});
