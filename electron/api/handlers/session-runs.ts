import type { OperationName } from '../../../shared/api/contract';
import { sessionsRoot } from '../../services/environments/session-info';
import { sessionDirOf } from '../../services/environments/state-store';
import { acquireSessionLock, sessionLockOwner, type SessionLock } from '../../services/session-lock';
import type { Workbench } from '../../services/workbench';

/**
 * Long runs an area allows one at a time per session (a replay, a runbook run, a game day),
 * across processes: claim() takes the session's `<kind>.lock` for the operation; stop() cancels
 * the session's running operation of this kind, here or in a `repro` CLI process (SIGINT, which
 * the CLI turns into op.cancel).
 */
export function sessionRuns(kind: string, what: string, methods: readonly OperationName[]) {
  const dir = (wb: Workbench, session: string) => sessionDirOf(sessionsRoot(wb.stateDir), session);
  return {
    claim(wb: Workbench, session: string, op: string): SessionLock {
      return acquireSessionLock(dir(wb, session), kind, { host: wb.host, op, what });
    },
    stop(wb: Workbench, session: string): { stopped: boolean } {
      const mine = wb.ops.running((i) => i.session === session && (methods as readonly string[]).includes(i.method));
      if (mine.length) return { stopped: mine.map((o) => wb.ops.cancel(o.id)).some(Boolean) };
      const holder = sessionLockOwner(dir(wb, session), kind);
      if (holder && holder.host === 'cli' && holder.pid !== process.pid) {
        try {
          process.kill(holder.pid, 'SIGINT');
          return { stopped: true };
        } catch {
          return { stopped: false };
        }
      }
      return { stopped: false };
    },
  };
}
