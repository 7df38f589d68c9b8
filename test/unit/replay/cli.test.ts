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
    expect(out.stdout).toContain('repro replay <session> [--mode as-recorded|max|xN] [--concurrency N] [--timeout MS] [--gap-cap MS] [--host-map HOST[:PORT]=SERVICE]... [--json]');
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

  it('says n/a and why when there was nothing to replay, and prints notices and notes', () => {
    const summary = { count: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    const base = { id: 'r2', session: 's', mode: 'max', concurrency: 8, startedAt: '2026-11-20T14:00:00.000Z', finishedAt: '2026-11-20T14:00:00.000Z', durationMs: 0, cancelled: false, noise: { jsonPaths: [], headers: [] }, latency: { recorded: summary, replayed: summary, histogram: [], judgement: { verdict: 'nodata' as const, classification: 'Nodata', reason: 'no data' } }, bodies: { kept: 0, omitted: 0 }, hostMap: [], routes: [], bodiesNotRecorded: 0 };
    const empty = formatReport({ ...base, total: 0, sent: 0, matched: 0, mismatched: 0, errors: 0, successRate: null, skipped: [], notices: ['Nothing to replay: the bundle has no traffic/*.har files. Add one with repro traffic add.'], results: [] });
    expect(empty).toContain('sent 0/0: 0 matched, 0 mismatched, 0 errors — success rate n/a');
    expect(empty).toContain('  note: Nothing to replay: the bundle has no traffic/*.har files.');
    expect(empty).not.toContain('latency');
    const noted = formatReport({
      ...base,
      total: 1,
      sent: 1,
      matched: 0,
      mismatched: 1,
      errors: 0,
      successRate: 0,
      skipped: [{ source: 't.har#1', method: 'GET', url: 'http://127.0.0.1:9/x', reason: 'net::ERR_CONNECTION_REFUSED' }],
      notices: ['Skipped 1 request that failed when recorded: net::ERR_CONNECTION_REFUSED (1).'],
      results: [{ index: 0, method: 'GET', url: 'http://127.0.0.1:3000/a', status: 500, recordedStatus: 200, outcome: 'mismatched', diff: 'status: recorded 200, replayed 500', note: 'the body was not recorded (content.size -1): compared status and content-type only', latencyMs: 1, recordedLatencyMs: 1, source: 't.har#0' }],
    });
    expect(noted).toContain('0 errors, 1 skipped — success rate 0.0%');
    expect(noted).toContain('  (the body was not recorded (content.size -1): compared status and content-type only)');
  });
});
