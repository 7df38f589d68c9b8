/**
 * The renderer's one data layer, part 3: what keeps server data current. One table says which
 * event makes which store's data stale (instead of each pane subscribing and refetching on its
 * own), and one timer does the polling the engine has no events for. Live data of runs (replay
 * rows, step output) does not pass here: it goes to the run's store through runOperation.
 */
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import { api } from '../api';
import { announceOperationEvent } from './announcer';
import { reportBackgroundError, useApp } from './app';
import { applyOperationEvent, loadOperations, useOperations } from './operations';
import { refreshGamedaysOf } from './gameday';
import { refreshRecordOf, refreshRecordSessions } from './record';
import { refreshReplaysOf, refreshReplays } from './replay';
import { refreshRunbookSessions } from './runbook';
import { refreshSessions, useSessions } from './sessions';
import { refreshVerdict, refreshVerdictOf } from './verdict';

type Rule = { [E in EventName]: { on: E; why: string; refresh(payload: WorkbenchEvents[E]): void } }[EventName];

/** Event -> the stores it refreshes. Stores refresh only what they hold (a no-op when nothing is loaded). */
export const REFRESH_ON_EVENT: Rule[] = [
  {
    on: 'op',
    why: 'an operation started, progressed or ended (ours or another client’s): bars and "running" states, and its result announced (once: a copy replayed after a reconnect is not)',
    refresh: (e) => {
      const known = useOperations.getState().byId[e.op.id];
      if (!known || (known.state === 'running' && known.seq < e.op.seq)) announceOperationEvent(e);
      applyOperationEvent(e);
    },
  },
  {
    on: 'sessionsChanged',
    why: 'a session came, went or changed state: the session list and the sessions one can pick',
    refresh: () => {
      refreshSessions();
      refreshRecordSessions();
      refreshRunbookSessions();
      refreshVerdict();
    },
  },
  {
    on: 'recordChanged',
    why: "something was recorded for a session (a note, a mark, a step, a replay, a game day, a new computed verdict): its timeline, the history, its verdict, and after a replay or a game day the session's replays or game days",
    refresh: ({ session, kind }) => {
      refreshRecordOf(session);
      refreshVerdictOf(session);
      if (kind === 'replay') refreshReplaysOf(session);
      if (kind === 'gameday') refreshGamedaysOf(session);
    },
  },
  {
    on: 'connection',
    why: 'the event connection came back: events may have been missed, so everything shown is asked again',
    refresh: (c) => {
      useApp.setState({ connected: c.state === 'open' });
      if (c.state !== 'open' || !c.reconnected) return;
      if (c.backendRestarted) void loadOperations({ replace: true }).catch((err) => reportBackgroundError('Listing operations', err));
      refreshSessions();
      refreshRecordSessions();
      refreshRunbookSessions();
      refreshReplays();
      refreshVerdict();
    },
  },
];

/**
 * Polled, because the engine sends no event for them: the sessions' health while a view shows it
 * (env.list answers the engine's status too), else the engine's status alone, less often.
 */
const POLL_MS = 5_000;
const ENGINE_EVERY = 2;

/** Wires the table and the poll; returns what undoes it (tests start and stop it per file). */
export function startLiveData(opts: { poll?: boolean } = {}): () => void {
  const offs = REFRESH_ON_EVENT.map((r) => api.on(r.on, r.refresh as (p: unknown) => void));
  void loadOperations().catch((err) => reportBackgroundError('Listing operations', err));
  let tick = 0;
  const timer =
    opts.poll === false
      ? undefined
      : setInterval(() => {
          tick++;
          if (useSessions.getState().watchers > 0) void useSessions.getState().refresh(false);
          else if (tick % ENGINE_EVERY === 0) void useApp.getState().refreshEngine();
        }, POLL_MS);
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
  };
}
