/**
 * The renderer's one data layer, part 3: what keeps server data current. One table says which
 * event makes which store's data stale (instead of each pane subscribing and refetching on its
 * own), and one timer does the polling the engine has no events for.
 */
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import { api } from '../api';
import { useApp } from './app';

type Refresh = { [E in EventName]: { on: E; why: string; refresh(payload: WorkbenchEvents[E]): void } }[EventName];

/** Event -> the stores it refreshes. Stores refresh only what they hold (a no-op when nothing is loaded). */
export const REFRESH_ON_EVENT: Refresh[] = [];

/** Polled, because the engine sends no event for it. */
const POLL_MS = 10_000;

let started = false;

export function startLiveData(): void {
  if (started) return;
  started = true;
  for (const r of REFRESH_ON_EVENT) api.on(r.on, r.refresh as (p: unknown) => void);
  api.on('progress', (p) =>
    useApp.setState((s) => {
      const tasks = { ...s.tasks, [p.task]: p };
      if (p.finished) delete tasks[p.task];
      return { tasks };
    }),
  );
  setInterval(() => void useApp.getState().refreshEngine(), POLL_MS);
}
