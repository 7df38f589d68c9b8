/**
 * Record pane state: the record history across sessions, the sessions one can pick (live ones of
 * the open bundle and recorded ones), and the chosen session's timeline.
 */
import { create } from 'zustand';
import type { RecordHistory, RecordTimeline } from '../../../shared/api/methods/record';
import type { RunbookSessionChoice } from '../../../shared/api/methods/runbook';
import type { Verdict } from '../../../shared/record/types';
import { api } from '../api';
import { dataFor, load, remote, type Remote } from './remote';
import { useSessionChoice } from './session-choice';

interface RecordState {
  /** Keyed 'all'. */
  history: Remote<RecordHistory>;
  /** Live sessions of the open bundle, keyed by its id ('' without a bundle). */
  live: Remote<RunbookSessionChoice[]>;
  /** Keyed by session name; null: nothing recorded for it yet. */
  timeline: Remote<RecordTimeline | null>;
  /** Loads history and live sessions for the bundle, keeps the session choice valid, loads its timeline. */
  refresh(bundleId: string | undefined): Promise<void>;
  loadTimeline(session: string): Promise<void>;
}

/** Sessions one can pick: the bundle's live ones, then recorded ones of the same bundle. */
export function recordChoices(history: RecordHistory | undefined, live: RunbookSessionChoice[] | undefined, bundleId: string | undefined): string[] {
  const recorded = (history?.sessions ?? []).filter((s) => !bundleId || s.session.bundleId === bundleId).map((s) => s.session.name);
  return [...new Set([...(live ?? []).map((s) => s.name), ...recorded])];
}

export const useRecord = create<RecordState>((_set, get) => ({
  history: remote(),
  live: remote(),
  timeline: remote(),
  refresh: async (bundleId) => {
    const [history, live] = await Promise.all([
      load(useRecord, 'history', 'all', () => api.call('record.history', {})),
      load(useRecord, 'live', bundleId ?? '', () => (bundleId ? api.call('runbook.sessions', { bundleId }) : Promise.resolve([]))),
    ]);
    if (!history || !live) return;
    const names = recordChoices(history, live, bundleId);
    const { session, setSession } = useSessionChoice.getState();
    const chosen = session && names.includes(session) ? session : names[0];
    if (chosen !== session) setSession(chosen);
    if (chosen) await get().loadTimeline(chosen);
  },
  loadTimeline: async (session) => {
    await load(useRecord, 'timeline', session, () => api.call('record.timeline', { session }));
  },
}));

/** The refreshes the event table calls: only what is loaded is refreshed. */
export function refreshRecordOf(session: string): void {
  if (useRecord.getState().timeline.key === session) void useRecord.getState().loadTimeline(session);
  if (useRecord.getState().history.key !== undefined) void load(useRecord, 'history', 'all', () => api.call('record.history', {}));
}

export function refreshRecordSessions(): void {
  const { live } = useRecord.getState();
  if (live.key !== undefined) void useRecord.getState().refresh(live.key || undefined);
}

export const recordActions = {
  note: (session: string, text: string) => api.call('record.note', { session, text }),
  /** `computedEvent`: the computed verdict (its record event) the person confirms or overrides. */
  mark: (session: string, verdict: Verdict, note: string, evidence: number[], computedEvent?: number) =>
    api.call('record.mark', { session, verdict, ...(note ? { note } : {}), ...(evidence.length > 0 ? { evidence } : {}), ...(computedEvent !== undefined ? { computedEvent } : {}) }),
  report: (session: string, format: 'html' | 'md') => api.call('record.report', { session, format }),
};

export function timelineFor(state: RecordState, session: string | undefined): RecordTimeline | null | undefined {
  return dataFor(state.timeline, session);
}
