import { describe, expect, it } from 'vitest';
import { renderReport, type ReportInput } from '../../../shared/record/report';
import { redact } from '../../../shared/record/redact';
import { median, recordStats } from '../../../shared/record/stats';

const t0 = Date.UTC(2026, 10, 20, 14, 0, 0);
const input: ReportInput = {
  generatedAt: t0 + 600_000,
  generator: 'repro 0.1.0',
  summary: {
    session: {
      id: 1,
      name: 'inc-2041-a1',
      bundleId: 'INC-2041',
      createdAt: t0,
      context: {
        incident: { id: 'INC-2041', title: 'Checkout <script>alert(1)</script> spike', severity: 'SEV2', summary: 'p99 went up' },
        provenance: { source: { repo: 'shop/checkout', commit: '4f1c2e9', ref: 'v2.14.0' }, featureFlags: { 'new-pricing': true } },
        services: [{ name: 'checkout', imageRef: 'shop/checkout:2.14.0', imageId: 'sha256:0123456789abcdef0123' }],
      },
    },
    firstEventAt: t0,
    lastEventAt: t0 + 300_000,
    eventCount: 5,
    verdict: 'reproduced',
    markedAt: t0 + 300_000,
    timeToReproduceMs: 300_000,
  },
  events: [
    { id: 1, kind: 'up', at: t0, data: { services: [{ name: 'checkout', state: 'running', health: 'healthy', endpoints: [{ container: 8080, url: 'http://127.0.0.1:32768' }] }], drift: [] } },
    { id: 2, kind: 'step', at: t0 + 60_000, data: { index: 0, kind: 'sh', service: 'pricing', text: 'echo ```|<b>', exitCode: 0, output: '<img src=x onerror=alert(1)>', ok: true } },
    {
      id: 3,
      kind: 'step',
      at: t0 + 61_000,
      data: { index: 1, kind: 'expect', exitCode: 1, ok: false, output: '', expectation: { ok: false, results: [{ assertion: 'status 200', ok: false, message: 'expected status 200, got 503' }] } },
    },
    { id: 4, kind: 'replay', at: t0 + 120_000, data: { mode: 'max', total: 10, sent: 10, matched: 7, mismatched: 3, errors: 0, successRate: 0.7, results: [{ method: 'GET', url: 'http://checkout/x', status: 503, recordedStatus: 503, outcome: 'mismatched', diff: '$.price' }] } },
    {
      id: 6,
      kind: 'replay',
      at: t0 + 130_000,
      data: { mode: 'as-recorded', total: 8, sent: 8, matched: 7, mismatched: 1, errors: 0, successRate: 0.875, latency: { recordedP99: 1612.4, replayedP99: 1580.2, verdict: 'as-slow' }, mismatches: [{ method: 'GET', url: 'http://checkout/cgi-bin/checkout?cart=legacy', outcome: 'mismatched', status: 200, recordedStatus: 502 }] },
    },
    { id: 5, kind: 'marked', at: t0 + 300_000, data: { verdict: 'reproduced' } },
  ],
  marks: [{ id: 1, at: t0 + 300_000, verdict: 'reproduced', note: 'same 503s as prod', evidence: [{ eventId: 3, kind: 'step', label: 'step 2 failed' }] }],
};

describe('report', () => {
  it('has every section a postmortem needs, in Markdown', () => {
    const md = renderReport(input, 'md');
    for (const heading of ['# Reproduction report: INC-2041', '## Reproduction verdict', '## Incident', '## Provenance', '## Verification', '## Environment and drift', '## Runbook steps run', '## Replay results', '## Trace and metric findings', '## Timeline']) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('Reproduced in 5 min 0 s');
    expect(md).toContain('shop/checkout @ 4f1c2e9 (v2.14.0)');
    expect(md).toContain('FAIL status 200: expected status 200, got 503');
    expect(md).toContain('70.0%');
    // The record's replay summary (as runReplay stores it): latency and the differing requests.
    expect(md).toContain('1612 ms → 1580 ms (as-slow)');
    expect(md).toMatch(/\| GET http:\/\/checkout\/cgi-bin\/checkout\?cart=legacy \| 502 \| 200 \|/);
    expect(md).toContain('Drift: none');
    // A step text containing backticks still gets a fence that closes after it.
    expect(md).toMatch(/````sh\necho ```\|<b>\n````/);
    // Raw HTML from outputs or the bundle is escaped, not passed through.
    expect(md).not.toContain('<script>');
    expect(md).toContain('Checkout \\<script\\>');
  });

  it('renders self-contained, escaped HTML', () => {
    const html = renderReport(input, 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|img|link|iframe|object)\b/i);
    expect(html).not.toMatch(/<[^>]+\s(src|href)=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>Reproduction report: INC-2041 Checkout &lt;script&gt;');
    expect(html).toContain('class="verdict ok"');
  });

  it('says plainly what was not recorded', () => {
    const md = renderReport({ ...input, events: [], marks: [], summary: { ...input.summary, verdict: undefined, timeToReproduceMs: undefined } }, 'md');
    expect(md).toContain('No verdict yet');
    expect(md).toContain('No runbook step was run.');
    expect(md).toContain('No replay was run.');
  });
});

describe('stats and redaction helpers', () => {
  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  it('an incident reproduced in one session and not in another counts as reproduced', () => {
    const s = (id: number, bundleId: string, verdict?: 'reproduced' | 'not-reproducible') => ({ session: { id, name: `s${id}`, bundleId, createdAt: 0, context: {} }, eventCount: 1, ...(verdict ? { verdict } : {}), ...(verdict === 'reproduced' ? { timeToReproduceMs: id * 1000 } : {}) });
    expect(recordStats([s(1, 'A', 'reproduced'), s(2, 'A', 'not-reproducible'), s(3, 'B', 'not-reproducible')])).toMatchObject({ incidentsWithVerdict: 2, incidentsReproduced: 1, reproducibleRate: 0.5, medianTimeToReproduceMs: 1000 });
  });
  it('redacts secret names in fields and assignments, and known values anywhere', () => {
    expect(redact({ a: 'TOKEN="abc def" and PAYMENT_KEY: xyz', PAYMENT_KEY: 'v', nested: ['s3cr3t-value!'] }, { names: ['PAYMENT_KEY', 'TOKEN'], values: ['s3cr3t-value!'] })).toEqual({
      a: 'TOKEN=[redacted] and PAYMENT_KEY: [redacted]',
      PAYMENT_KEY: '[redacted]',
      nested: ['[redacted]'],
    });
  });
});
