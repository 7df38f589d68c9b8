import { WorkbenchError } from '../../../shared/api/errors';
import { areaState, type Workbench } from '../../services/workbench';

/**
 * Long runs an area allows one at a time per session, each stoppable by a later call (replay,
 * runbook): claim() before starting, release() when done, stop() from the stop method.
 */
export function sessionRuns(area: string, what: string) {
  const running = (wb: Workbench) => areaState<Map<string, AbortController>>(wb, area, () => new Map());
  return {
    claim(wb: Workbench, session: string): AbortController {
      const map = running(wb);
      if (map.has(session)) throw new WorkbenchError('conflict', `${what} of session "${session}" is already running; stop it first`);
      const ctl = new AbortController();
      map.set(session, ctl);
      return ctl;
    },
    release(wb: Workbench, session: string): void {
      running(wb).delete(session);
    },
    stop(wb: Workbench, session: string): { stopped: boolean } {
      const ctl = running(wb).get(session);
      ctl?.abort();
      return { stopped: Boolean(ctl) };
    },
  };
}
