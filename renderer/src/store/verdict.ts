/**
 * Verdict state: the computed verdict of the session the workbench is following (the session
 * choice the Replay, Runbook and Record panes share). Refreshed by the event table
 * (store/live.ts) when that session's record changes (a replay, a step, a mark, another
 * client's verdict), when sessions come or go, and when the connection comes back.
 */
import { create } from 'zustand';
import type { SessionVerdict } from '../../../shared/verdict/types';
import { api } from '../api';
import { dataFor, load, remote, type Remote } from './remote';
import { useSessionChoice } from './session-choice';
import { runningSessions, useSessions } from './sessions';

interface VerdictState {
  /** Keyed by session name. */
  current: Remote<SessionVerdict>;
  load(session: string): Promise<void>;
}

export const useVerdict = create<VerdictState>(() => ({
  current: remote(),
  load: async (session) => {
    await load(useVerdict, 'current', session, () => api.call('verdict.get', { session }));
  },
}));

export function verdictFor(state: VerdictState, session: string | undefined): SessionVerdict | undefined {
  return dataFor(state.current, session);
}

/** For the event table: a change in the record of the session shown. */
export function refreshVerdictOf(session: string): void {
  if (useVerdict.getState().current.key === session) void useVerdict.getState().load(session);
}

/** For the event table: sessions changed or the connection came back. */
export function refreshVerdict(): void {
  const key = useVerdict.getState().current.key;
  if (key) void useVerdict.getState().load(key);
}

/**
 * With no session chosen yet, follow the open bundle's running session (the newest), so the
 * verdict shows as soon as there is something to judge. Loads the session list when nobody has.
 */
export async function followSessionOf(bundleId: string | undefined): Promise<void> {
  if (!bundleId || useSessionChoice.getState().session) return;
  if (useSessions.getState().list.key === undefined) await useSessions.getState().refresh();
  if (useSessionChoice.getState().session) return;
  const mine = runningSessions(useSessions.getState().list.data)
    .filter((s) => s.bundleId === bundleId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (mine[0]) useSessionChoice.getState().setSession(mine[0].name);
}
