/**
 * The renderer's one data layer, part 3: what keeps server data current. One table says which
 * event makes which store's data stale (instead of each pane subscribing and refetching on its
 * own), and one timer does the polling the engine has no events for.
 */
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import { api } from '../api';
import { useApp } from './app';
import { refreshRecordOf, refreshRecordSessions } from './record';
import { applyRunbookUpdate, refreshRunbookSessions } from './runbook';
import type { RunbookUpdate } from '../../../shared/api/methods/runbook';
import type { ReplayLiveUpdate } from '../../../shared/api/methods/replay';
import { applyReplayBatch, refreshReplaysOf } from './replay';
import { refreshSessions, useSessions } from './sessions';

type Refresh = { [E in EventName]: { on: E; why: string; refresh(payload: WorkbenchEvents[E]): void } }[EventName];

/** Event -> the stores it refreshes. Stores refresh only what they hold (a no-op when nothing is loaded). */
export const REFRESH_ON_EVENT: Refresh[] = [
  {
    on: 'sessionsChanged',
    why: 'a session came, went or changed state: the session list and the sessions one can pick change',
    refresh: () => {
      refreshSessions();
      refreshRecordSessions();
      refreshRunbookSessions();
    },
  },
  {
    on: 'update',
    why: "something was recorded for a session (a note, a mark, a replay, a finished step): its timeline and the history change",
    refresh: ({ topic, data }) => {
      const [area, session] = splitTopic(topic);
      if (area === 'record' || (area === 'runbook' && (data as { type?: string }).type === 'done')) refreshRecordOf(session);
      if (area === 'record' && (data as { kind?: string }).kind === 'replay') refreshReplaysOf(session);
    },
  },
];

type Feed = Refresh;

/** Live data of runs, into the stores that hold the runs (outside any pane). */
export const LIVE_FEEDS: Feed[] = [
  {
    on: 'update',
    why: 'a runbook step started, printed or ended',
    refresh: ({ topic, data }) => {
      const [area, session] = splitTopic(topic);
      if (area === 'runbook') applyRunbookUpdate(session, data as RunbookUpdate);
    },
  },
  {
    on: 'update',
    why: 'a batch of replay results and counts',
    refresh: ({ topic, data }) => {
      const [area, session] = splitTopic(topic);
      const u = data as ReplayLiveUpdate;
      if (area === 'replay' && u.type === 'progress') applyReplayBatch(session, u, u.results);
    },
  },
];

function splitTopic(topic: string): [string, string] {
  const i = topic.indexOf(':');
  return i < 0 ? [topic, ''] : [topic.slice(0, i), topic.slice(i + 1)];
}

/**
 * Polled, because the engine sends no event for them: the sessions' health while a view shows it
 * (env.list answers the engine's status too), else the engine's status alone, less often.
 */
const POLL_MS = 5_000;
const ENGINE_EVERY = 2;

/** Wires the table and the poll; returns what undoes it (tests start and stop it per file). */
export function startLiveData(): () => void {
  const offs = [...REFRESH_ON_EVENT, ...LIVE_FEEDS].map((r) => api.on(r.on, r.refresh as (p: unknown) => void));
  offs.push(
    api.on('progress', (p) =>
      useApp.setState((s) => {
        const tasks = { ...s.tasks, [p.task]: p };
        if (p.finished) delete tasks[p.task];
        return { tasks };
      }),
    ),
  );
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    if (useSessions.getState().watchers > 0) void useSessions.getState().refresh(false);
    else if (tick % ENGINE_EVERY === 0) void useApp.getState().refreshEngine();
  }, POLL_MS);
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
  };
}
