/**
 * The engine's sessions (env.list), shared by every pane that shows or picks one (Environment,
 * Replay). Refreshed by the event table on `sessionsChanged`, and polled while a view that shows
 * their live health is open (the engine sends no event when a container turns unhealthy).
 */
import { create } from 'zustand';
import type { EngineStatus } from '../../../shared/api/methods/app';
import type { EnvSessionInfo } from '../../../shared/api/methods/environment';
import { api } from '../api';
import { useApp } from './app';
import { load, remote, type Remote } from './remote';

export interface SessionsList {
  engine: EngineStatus;
  sessions: EnvSessionInfo[];
}

interface SessionsState {
  /** Keyed 'all'. */
  list: Remote<SessionsList>;
  /** Views that want the health polled (Environment pane). */
  watchers: number;
  /** `probe` runs each healthcheck once (slower; after a change, not on every poll). */
  refresh(probe?: boolean): Promise<void>;
  /** Poll while the returned function has not been called. */
  watch(): () => void;
}

export const useSessions = create<SessionsState>((set) => ({
  list: remote(),
  watchers: 0,
  refresh: async (probe = false) => {
    const list = await load(useSessions, 'list', 'all', () => api.call('env.list', { probe }));
    // env.list answers the engine's status too: one less call for the status bar
    if (list) useApp.setState({ engine: list.engine });
  },
  watch: () => {
    set((s) => ({ watchers: s.watchers + 1 }));
    return () => set((s) => ({ watchers: s.watchers - 1 }));
  },
}));

/** Sessions one can send traffic or steps to. */
export function runningSessions(list: SessionsList | undefined): EnvSessionInfo[] {
  return (list?.sessions ?? []).filter((s) => s.phase === 'running');
}

/** For the event table: refresh when someone has loaded the list. */
export function refreshSessions(): void {
  if (useSessions.getState().list.key !== undefined) void useSessions.getState().refresh(true);
}
