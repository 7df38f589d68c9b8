// The "Game days" section of the report: one entry per run, linked from the section's index, with
// the verdict, faults, what probes saw with and without a fault, and residue; recorded text escaped.
import { describe, expect, it } from 'vitest';
import type { GamedayJournal } from '../../../shared/gameday/journal';
import { probeSummary } from '../../../shared/gameday/report';
import { renderReport } from '../../../shared/record/report';
import type { RecordEvent } from '../../../shared/record/types';

const journal = (over: Partial<GamedayJournal> = {}): GamedayJournal => ({
  schema: 'repro.gameday-journal/v1',
  id: '20261201T120000000Z-abcdef',
  session: 's1',
  bundleId: 'INC-1',
  title: 'Pricing dies <script>alert(1)</script>',
  scenario: { source: 'gamedays/x.yaml of bundle INC-1', sha256: 'a'.repeat(64) },
  status: 'completed',
  startedAt: '2026-12-01T12:00:00.000Z',
  finishedAt: '2026-12-01T12:00:20.000Z',
  durationMs: 20_000,
  steadyState: { before: { met: true, probes: [] }, after: { met: true, probes: [], recoveredAfterMs: 700 } },
  faults: [{ id: 'kill-pricing', fault: 'kill', target: 'pricing', plannedAtMs: 2000, plannedDurationMs: 3000, appliedAt: '2026-12-01T12:00:02.000Z', revertedAt: '2026-12-01T12:00:05.000Z', recoveredAt: '2026-12-01T12:00:05.500Z', fromT: 2000, toT: 5500 }],
  probes: [
    { probe: 'p', at: '', t: 100, ok: true, status: 200, latencyMs: 100, activeFaults: [] },
    { probe: 'p', at: '', t: 300, ok: true, status: 200, latencyMs: 120, activeFaults: [] },
    { probe: 'p', at: '', t: 2100, ok: false, status: 502, latencyMs: 9, activeFaults: ['kill-pricing'], failures: ['status 502, expected 2xx'] },
    { probe: 'p', at: '', t: 2400, ok: true, status: 200, latencyMs: 900, activeFaults: ['kill-pricing'] },
    { probe: 'p', at: '', t: 6000, ok: false, status: null, latencyMs: null, activeFaults: [], failures: ['refused'] },
  ],
  load: { traffic: 'traffic/a.har', ratePerS: 4, sent: 80, ok: 70, failed: 10, perSecond: [] },
  residue: [],
  notes: ['packet-level faults not available: no sch_netem'],
  ...over,
});

const summary = { session: { id: 1, name: 's1', bundleId: 'INC-1', createdAt: Date.parse('2026-12-01T11:59:00Z'), context: {} }, eventCount: 2, firstEventAt: Date.parse('2026-12-01T11:59:00Z') };
const events = (...js: GamedayJournal[]): RecordEvent[] => js.map((j, i) => ({ id: i + 1, kind: 'gameday', at: Date.parse(j.finishedAt!), data: j }));

describe('the Game days section of the report', () => {
  it('indexes every run, links each to its section, and escapes recorded text', () => {
    const halted = journal({ id: '20261201T130000000Z-123456', title: 'Halted one', status: 'halted', haltedBy: 'SIGINT', finishedAt: '2026-12-01T13:00:05.000Z', residue: [{ target: 'pricing', what: 'paused', detail: 'still paused' }] });
    const input = { summary, events: events(journal(), halted), marks: [], generatedAt: Date.parse('2026-12-01T14:00:00Z'), generator: 'test' };
    const md = renderReport(input, 'md');
    expect(md).toContain('## Game days');
    expect(md).toContain('](#gameday-20261201T120000000Z-abcdef)');
    expect(md).toContain('<a id="gameday-20261201T130000000Z-123456"></a>');
    expect(md).toContain('**Halted: stopped by hand, every fault reverted**');
    expect(md).toContain('Residue: pricing paused (still paused)');
    expect(md).not.toContain('<script>');
    const html = renderReport(input, 'html');
    expect(html).toContain('<h3 id="gameday-20261201T120000000Z-abcdef">');
    expect(html).toContain('<a href="#gameday-20261201T130000000Z-123456">');
    expect(html).toContain('Pricing dies &lt;script&gt;');
    expect(html).not.toContain('<script>alert');
    // the timeline line of the event
    expect(md).toMatch(/game day "Halted one": halted \(1 fault\(s\), residue 1\)/);
  });

  it('separates what probes saw with a fault active from without (latency of passed answers only)', () => {
    expect(probeSummary(journal().probes)).toEqual([{ probe: 'p', samples: 5, failed: 2, failedNoFault: 1, p50Quiet: 120, p50Faulted: 900 }]);
  });
});
