// The one polite live region (store/announcer.ts): what an operation's final event says in words,
// fed by the real `op` events of the in-process API through the event table (store/live.ts), and
// said once even when a copy of the final event comes again (a reconnect replays what was missed).
import { afterAll, describe, expect, it } from 'vitest';
import type { OperationEvent } from '../../../shared/api/events';
import { describeOperationEvent, useAnnouncer } from '../../../renderer/src/store/announcer';
import { useApp } from '../../../renderer/src/store/app';
import { REFRESH_ON_EVENT, startLiveData } from '../../../renderer/src/store/live';
import { installInProcessApi, sampleBundle } from './in-process-api';

const { api, cleanup } = installInProcessApi();
const stopLive = startLiveData({ poll: false });
afterAll(() => {
  stopLive();
  cleanup();
});

const op = (method: string, state: string, extra: Record<string, unknown> = {}) => ({ id: `op-${method}`, method, state, client: 'cli', startedAt: 1, seq: 9, ...extra });

describe('announcer', () => {
  it('says how a replay, a runbook run and an up ended, in words', () => {
    const replay = {
      type: 'done',
      method: 'replay.run',
      op: op('replay.run', 'done', { session: 's1' }),
      result: { total: 8, sent: 8, matched: 6, mismatched: 2, errors: 0, cancelled: false },
    } as unknown as OperationEvent;
    expect(describeOperationEvent(replay)).toBe('Replay of s1 finished: 6 of 8 matched, 2 mismatched, 0 errors');
    const stopped = { ...replay, type: 'cancelled', result: { total: 8, sent: 3, matched: 3, mismatched: 0, errors: 0, cancelled: true } } as unknown as OperationEvent;
    expect(describeOperationEvent(stopped)).toBe('Replay of s1 stopped: 3 of 3 matched, 0 mismatched, 0 errors');
    const run = {
      type: 'done',
      method: 'runbook.run',
      op: op('runbook.run', 'done', { session: 's1' }),
      result: { steps: [{ ok: true }, { ok: false }, { ok: true }], ok: false, runId: 'r' },
    } as unknown as OperationEvent;
    expect(describeOperationEvent(run)).toBe('Runbook run of s1 finished: 2 of 3 steps passed');
    const up = { type: 'done', method: 'env.up', op: op('env.up', 'done'), result: { session: 's1', services: [{}, {}], drift: [] } } as unknown as OperationEvent;
    expect(describeOperationEvent(up)).toBe('Environment up: session s1, 2 services, no drift');
    const failed = { type: 'failed', method: 'env.up', op: op('env.up', 'failed'), error: { code: 'engine', message: 'Docker is not reachable' } } as unknown as OperationEvent;
    expect(describeOperationEvent(failed)).toBe('Environment start failed: Docker is not reachable');
    // progress is not announced (a progress bar shows it)
    expect(describeOperationEvent({ ...up, type: 'progress' } as unknown as OperationEvent)).toBeUndefined();
  });

  it('announces the real open and verification of the sample once each, also when a final event comes again', async () => {
    const heard: string[] = [];
    const off = useAnnouncer.subscribe((s) => heard.push(s.message));
    const seen: OperationEvent[] = [];
    const offSeen = api.on('op', (e) => seen.push(e));
    await useApp.getState().openBundle(sampleBundle);
    await expect.poll(() => heard).toContain('Opened INC-2041: Checkout p99 latency spike and 502s after pricing 2.14.0 canary');
    // the open's own final event once more (a reconnecting socket replays what it missed): not said again
    const opened = seen.find((e) => e.method === 'bundle.open' && e.type === 'done')!;
    const rule = REFRESH_ON_EVENT.find((r) => r.on === 'op')!;
    (rule.refresh as (e: OperationEvent) => void)(opened);
    off();
    offSeen();
    expect(heard.filter((m) => m.startsWith('Opened INC-2041'))).toHaveLength(1);
    await useApp.getState().closeBundle();
  });
});
