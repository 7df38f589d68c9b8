import type { verdictMethods } from '../../../shared/api/methods/verdict';
import type { BroadcastEventName, WorkbenchEvents } from '../../../shared/api/events';
import type { SessionVerdict } from '../../../shared/verdict/types';
import { settleSessionVerdict, type IncidentTraceCache } from '../../services/verdict';
import { areaState, type Workbench } from '../../services/workbench';
import type { HandlerMap } from './types';

interface VerdictArea {
  /** Incident traces parsed once per bundle in this process. */
  traces: IncidentTraceCache;
  /** Settles of a session run one after another, so one change is recorded once. */
  queue: Map<string, Promise<unknown>>;
}

const area = (wb: Workbench) => areaState<VerdictArea>(wb, 'verdict', () => ({ traces: new Map(), queue: new Map() }));

type Emit = <E extends BroadcastEventName>(event: E, payload: WorkbenchEvents[E]) => void;

/**
 * Compute the session's verdict and keep it when it changed, telling every UI (recordChanged,
 * kind `verdict`). Evidence-producing handlers (replay, runbook steps, marks) call this when they
 * are done, so the record has the verdict as of each piece of evidence, whoever looks.
 */
export function settleVerdict(wb: Workbench, session: string, emit: Emit, signal?: AbortSignal): Promise<SessionVerdict> {
  const a = area(wb);
  const before = a.queue.get(session) ?? Promise.resolve();
  const run = before
    .catch(() => undefined)
    .then(async () => {
      const { verdict, changed } = await settleSessionVerdict(wb.stateDir, session, { cache: a.traces, ...(signal ? { signal } : {}) });
      if (changed) emit('recordChanged', { session, kind: 'verdict' });
      return verdict;
    });
  a.queue.set(session, run);
  void run.finally(() => {
    if (a.queue.get(session) === run) a.queue.delete(session);
  }).catch(() => undefined);
  return run;
}

/** The same, for callers whose own work must not fail because the verdict could not be computed. */
export async function settleVerdictQuietly(wb: Workbench, session: string, emit: Emit): Promise<void> {
  try {
    await settleVerdict(wb, session, emit);
  } catch (err) {
    // A record without a live session (its state is gone) has nothing new to settle.
    if ((err as { code?: string }).code === 'not_found') return;
    process.stderr.write(`repro: could not compute the verdict of ${session}: ${(err as Error).message}\n`);
  }
}

export const verdictHandlers: HandlerMap<keyof typeof verdictMethods> = {
  'verdict.get': async ({ session }, { wb, emit, signal }) => settleVerdict(wb, session, emit, signal),
};
