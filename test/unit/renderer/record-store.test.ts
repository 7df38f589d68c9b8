// The record store against the real in-process API: the sessions one can pick, the timeline of
// the chosen one, a note added through an action, and a mark made by another client (the CLI's
// window) arriving through the event table.
import { afterAll, describe, expect, it } from 'vitest';
import { openRecordDb } from '../../../electron/services/record';
import { runAction, useActions } from '../../../renderer/src/store/actions';
import { startLiveData } from '../../../renderer/src/store/live';
import { recordActions, refreshRecordOf, useRecord } from '../../../renderer/src/store/record';
import { useSessionChoice } from '../../../renderer/src/store/session-choice';
import { installInProcessApi, until } from './in-process-api';

const { wb, api, cleanup } = installInProcessApi();
const stopLive = startLiveData();
afterAll(() => {
  stopLive();
  cleanup();
});

const session = 'rec-store-1';

describe('record store', () => {
  it('lists recorded sessions, picks one and loads its timeline', async () => {
    openRecordDb(wb.stateDir).addNote({ name: session, bundleId: 'INC-2041', createdAt: new Date().toISOString() }, 'seeded by the test');
    await useRecord.getState().refresh('INC-2041');
    expect(useSessionChoice.getState().session).toBe(session);
    const { timeline } = useRecord.getState();
    expect(timeline.key).toBe(session);
    expect(timeline.data?.events.map((e) => e.kind)).toEqual(['note']);
    expect(useRecord.getState().history.data?.sessions.map((s) => s.session.name)).toContain(session);
  });

  it('adds a note through an action and refreshes the timeline', async () => {
    await runAction(`record.note:${session}`, () => recordActions.note(session, 'second note'), { onDone: () => refreshRecordOf(session) });
    const s = await until(useRecord, (st) => st.timeline.data?.events.length === 2);
    expect(s.timeline.data?.events.map((e) => describeText(e.data))).toContain('second note');
  });

  it('a failed action keeps its error code; nothing is swallowed', async () => {
    const r = await runAction('record.note:nobody', () => recordActions.note('no-such-session-x', 'lost?'));
    expect(r).toBeUndefined();
    expect(useActions.getState().errors['record.note:nobody']).toMatchObject({ code: 'not_found' });
  });

  it("another client's mark reaches the timeline through the event table", async () => {
    // the call goes around the store (as the CLI or another window would): only the event tells
    await api.call('record.mark', { session, verdict: 'reproduced' });
    const s = await until(useRecord, (st) => st.timeline.data?.summary.verdict === 'reproduced' && !st.timeline.loading);
    expect(s.timeline.data?.marks).toHaveLength(1);
  });
});

function describeText(data: unknown): string {
  return (data as { text?: string }).text ?? '';
}
