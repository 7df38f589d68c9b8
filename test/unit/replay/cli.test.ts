import { describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { formatReport } from '../../../electron/cli/commands/replay';
import type { ReplayReport } from '../../../shared/replay/report';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t), env: { ...process.env, REPRO_HOME: '/nonexistent-repro-home' }, cwd: process.cwd(), isTTY: false } };
}

describe('repro replay: usage', () => {
  it('exits 2 with a clear message on bad arguments, before touching the engine', async () => {
    for (const [args, msg] of [
      [['replay'], /exactly one session name/],
      [['replay', 's', '--mode', 'fast'], /--mode: replay mode "fast"/],
      [['replay', 's', '--concurrency', '0'], /--concurrency must be an integer 1-1024/],
      [['replay', 's', '--timeout', 'soon'], /--timeout must be an integer/],
    ] as const) {
      const { out, io: cli } = io();
      expect(await main([...args], cli)).toBe(2);
      expect(out.stderr).toMatch(msg);
      expect(out.stdout).toBe('');
    }
  });

  it('prints help', async () => {
    const { out, io: cli } = io();
    expect(await main(['replay', '--help'], cli)).toBe(0);
    expect(out.stdout).toContain('repro replay <session> [--mode as-recorded|max|xN] [--concurrency N] [--host-map HOST[:PORT]=SERVICE]... [--json]');
  });

  it('formats a report for people: counts, rate, latency verdict and each non-match with its diff', () => {
    const summary = { count: 1, min: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1, mean: 1 };
    const report: ReplayReport = {
      id: 'r1',
      session: 's',
      mode: 'max',
      concurrency: 2,
      startedAt: '2026-11-20T14:00:00.000Z',
      finishedAt: '2026-11-20T14:00:01.000Z',
      durationMs: 1000,
      cancelled: false,
      total: 2,
      sent: 2,
      matched: 1,
      mismatched: 1,
      errors: 0,
      successRate: 0.5,
      skipped: [],
      bodiesNotRecorded: 0,
      routes: [],
      hostMap: [],
      notices: [],
      noise: { jsonPaths: [], headers: [] },
      latency: { recorded: summary, replayed: summary, histogram: [], judgement: { verdict: 'as-slow', classification: 'Pass', reason: 'alike' } },
      results: [
        { index: 0, method: 'GET', url: 'http://a/x', status: 200, recordedStatus: 200, outcome: 'matched', latencyMs: 1, recordedLatencyMs: 1, source: 't#0' },
        { index: 1, method: 'GET', url: 'http://a/y', status: 500, recordedStatus: 200, outcome: 'mismatched', diff: 'status: recorded 200, replayed 500', latencyMs: 1, recordedLatencyMs: 1, source: 't#1' },
      ],
    };
    const text = formatReport(report);
    expect(text).toContain('sent 2/2: 1 matched, 1 mismatched, 0 errors — success rate 50.0%');
    expect(text).toContain('#1 GET http://a/y — MISMATCHED (recorded 200, replayed 500)');
    expect(text).toContain('  status: recorded 200, replayed 500');
    expect(text).not.toContain('#0 GET');
  });
});
