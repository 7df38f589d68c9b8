// The renderer's stores against the real in-process API and the real engine, on one session of
// the sample incident: start it from the environment store (an operation: its bar shows while it
// runs and closes at the end), replay into the replay store (rows in order as they come; stopped
// mid-run it ends cancelled, not in errors), a replay another client runs keeps ours from
// starting and can be stopped from here, a runbook step's output lands in the session's run, the
// record and the verdict follow through the event table, a log follow ends with its view, and the stop goes
// through the store too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperationInProcess } from '../../../electron/api/dispatch';
import { useApp } from '../../../renderer/src/store/app';
import { useEnvironment } from '../../../renderer/src/store/environment';
import { startLiveData } from '../../../renderer/src/store/live';
import { runningOperation, useOperations } from '../../../renderer/src/store/operations';
import { useRecord } from '../../../renderer/src/store/record';
import { useReplay } from '../../../renderer/src/store/replay';
import { useRunbook } from '../../../renderer/src/store/runbook';
import { useSessionChoice } from '../../../renderer/src/store/session-choice';
import { useSessions } from '../../../renderer/src/store/sessions';
import { useVerdict } from '../../../renderer/src/store/verdict';
import { installInProcessApi, sampleBundle, until } from '../../unit/renderer/in-process-api';
import { removeSessions, uniqueSession } from '../environments/helpers';

const { wb, cleanup } = installInProcessApi();
const stopLive = startLiveData({ poll: false });
const session = uniqueSession('ui-stores');
let handle = '';

beforeAll(async () => {
  await useApp.getState().openBundle(sampleBundle);
  handle = useApp.getState().bundle!.handle;
  await useSessions.getState().refresh();
});

afterAll(async () => {
  stopLive();
  await removeSessions(wb.docker, [session]);
  cleanup();
});

const isSorted = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

describe('stores on a real session', () => {
  it('up from the environment store: a bar while it runs, closed at the end; the session is listed running', async () => {
    let sawBar = false;
    const off = useOperations.subscribe((s) => {
      if (runningOperation(s, 'env.up', { handle })?.progress) sawBar = true;
    });
    await useEnvironment.getState().up(handle, session, { PAYMENT_KEY: 'pk-typed-in-a-test' });
    off();
    const up = useEnvironment.getState().ups[handle]!;
    expect(up.error).toBeUndefined();
    expect(up).toMatchObject({ running: false, session });
    expect(sawBar).toBe(true);
    expect(runningOperation(useOperations.getState(), 'env.up', { handle })).toBeUndefined();
    expect(useEnvironment.getState().drift[session]).toEqual([]);
    const listed = await until(useSessions, (s) => Boolean(s.list.data?.sessions.some((x) => x.name === session && x.phase === 'running')));
    expect(listed.list.error).toBeUndefined();
  });

  it('a replay stopped mid-run: rows arrive in request order, it ends cancelled with nothing counted as errors', async () => {
    useReplay.getState().setMode('as-recorded');
    await useReplay.getState().loadSession(session);
    const started = useReplay.getState().start(session);
    const live = await until(useReplay, (s) => (s.runs[session]?.rows.all.length ?? 0) >= 2);
    expect(live.runs[session]!.state).toBe('running');
    expect(isSorted(live.runs[session]!.rows.all.map((r) => r.index))).toBe(true);
    await useReplay.getState().stop(session);
    await started;
    const run = useReplay.getState().runs[session]!;
    expect(run.state).toBe('cancelled');
    expect(run.counts.errors).toBe(0);
    expect(run.counts.done).toBeLessThan(8);
    // the saved report is shown, says it was stopped early, and counts no errors
    const shown = await until(useReplay, (s) => Boolean(s.report.data && !s.report.loading));
    expect(shown.report.data!.report).toMatchObject({ cancelled: true, errors: 0 });
    expect(runningOperation(useOperations.getState(), 'replay.run', { session })).toBeUndefined();
  });

  it('a replay another client runs keeps ours from starting, and can be stopped from here', async () => {
    const cli = runOperationInProcess(wb, 'replay.run', { session, mode: 'as-recorded' }, 'cli');
    await until(useOperations, (s) => runningOperation(s, 'replay.run', { session })?.id === cli.id);
    const before = useReplay.getState().runs[session];
    await useReplay.getState().start(session); // refused: one replay per session
    expect(useReplay.getState().runs[session]).toBe(before);
    await useReplay.getState().stop(session);
    expect((await cli.end).state).toBe('cancelled');
    await until(useOperations, (s) => runningOperation(s, 'replay.run', { session }) === undefined);
  });

  it('a replay at max rate: every row matched; the record timeline follows through recordChanged', async () => {
    await useRecord.getState().refresh('INC-2041');
    await useRecord.getState().loadTimeline(session);
    const replaysBefore = useRecord.getState().timeline.data?.events.filter((e) => e.kind === 'replay').length ?? 0;
    useReplay.getState().setMode('max');
    await useReplay.getState().start(session);
    const run = useReplay.getState().runs[session]!;
    expect(run).toMatchObject({ state: 'done', counts: { total: 8, done: 8, matched: 8, errors: 0 } });
    const shown = await until(useReplay, (s) => s.report.data?.report.id !== undefined && s.report.data.report.mode === 'max' && !s.report.loading);
    expect(shown.report.data!.rows.all.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shown.report.data!.rows.matched).toHaveLength(8);
    await until(useRecord, (s) => (s.timeline.data?.events.filter((e) => e.kind === 'replay').length ?? 0) > replaysBefore);
  });

  it('the verdict store follows the session through the event table: reproduced once the replay ended', async () => {
    useSessionChoice.getState().setSession(session);
    await useVerdict.getState().load(session);
    expect(useVerdict.getState().current.data).toMatchObject({ session, verdict: 'reproduced', decidedBy: 'symptoms' });
    // Runbook steps 1 and 2 (an expect step) settle the verdict in the backend; recordChanged reloads the store.
    const loads = useVerdict.getState().current.seq;
    await runOperationInProcess(wb, 'runbook.run', { session, text: readFileSync(join(sampleBundle, 'runbook.md'), 'utf8'), from: 0, to: 2 }).end;
    const refreshed = await until(useVerdict, (s) => s.current.seq > loads && !s.current.loading && s.current.data?.evidence.find((e) => e.kind === 'runbook')?.verdict !== 'missing');
    expect(refreshed.current.data!.evidence.find((e) => e.kind === 'runbook')).toMatchObject({ verdict: 'reproduced' });
  });

  it("a runbook step's live output lands in the session's run", async () => {
    await useRunbook.getState().open(handle);
    await useRunbook.getState().run(session, 0, 1);
    const run = useRunbook.getState().runs[session]!;
    expect(run.running).toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.steps[0]).toMatchObject({ running: false, result: { ok: true } });
    expect(run.steps[0]!.output).toContain('NEW_PRICING=true');
  });

  it('logs: the history loads, one follow runs while the view shows them, and it stops when the view lets go', async () => {
    const follows = () => (wb.areas.get('environments') as { subscriptions: Map<string, unknown> }).subscriptions.size;
    const stop = useEnvironment.getState().followLogs(session, true);
    const s = await until(useEnvironment, (st) => st.logs.key === session && !st.logs.loading && st.logs.data !== undefined);
    expect(s.logs.error).toBeUndefined();
    await expect.poll(follows).toBe(1);
    stop();
    await expect.poll(follows).toBe(0);
  });

  it('down from the environment store: the session leaves the list', async () => {
    await useEnvironment.getState().down(session);
    expect(useEnvironment.getState().downErrors[session]).toBeUndefined();
    await until(useSessions, (s) => !s.list.loading && !s.list.data?.sessions.some((x) => x.name === session));
  });
});
