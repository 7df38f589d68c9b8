import type { MethodInput, OperationDetail, OperationName, OperationOutput, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError, serializeError, WorkbenchError } from '../../../shared/api/errors';
import type { OperationEvent } from '../../../shared/api/events';
import type { OperationEnd } from '../../../shared/api/operations';

/** A started operation, as the renderer holds it. */
export interface RunningOperation<M extends OperationName> {
  /** Known at once: the id is made here, before the call, so no event of it can be missed. */
  opId: string;
  /**
   * Its result. Rejects with its error when it failed, and with a `cancelled` WorkbenchError when
   * it was cancelled without a partial result (a cancelled replay resolves: its report says so).
   */
  result: Promise<OperationOutput<M>>;
  /** How it ended; never rejects. */
  end: Promise<OperationEnd<M>>;
  /** op.cancel; false when it had already ended. */
  cancel(): Promise<boolean>;
}

export interface RunOperationOptions<M extends OperationName> {
  /** Its live data (result rows, step output), in order. */
  onDetail?: (data: OperationDetail<M>) => void;
  /** Its `op` events (started, progress, and the final one). */
  onEvent?: (event: Extract<OperationEvent, { method: M }>) => void;
}

interface Pending {
  seq: number;
  onEvent?: (e: OperationEvent) => void;
  onDetail?: (d: unknown) => void;
  settle: (end: OperationEnd) => void;
}

/**
 * runOperation(method, input) for one api: starts the operation under an id made here, follows
 * its events, and after the event connection comes back asks op.get how it stands (ended
 * meanwhile: settles; still running: op.watch, so its live data flows again).
 */
export function createOperationRunner(api: WorkbenchApi) {
  const pending = new Map<string, Pending>();
  let wired = false;

  const wire = () => {
    if (wired) return;
    wired = true;
    api.on('op', (e) => {
      const p = pending.get(e.op.id);
      if (!p || e.op.seq <= p.seq) return; // a late or caught-up copy of what we already saw
      p.seq = e.op.seq;
      p.onEvent?.(e);
      if (e.type === 'done') p.settle({ state: 'done', result: e.result });
      else if (e.type === 'failed') p.settle({ state: 'failed', error: e.error });
      else if (e.type === 'cancelled') p.settle(e.result !== undefined ? { state: 'cancelled', result: e.result } : { state: 'cancelled' });
    });
    api.on('opDetail', (e) => pending.get(e.op)?.onDetail?.(e.data));
    api.on('connection', (c) => {
      if (c.state !== 'open' || !c.reconnected) return;
      for (const id of [...pending.keys()]) void recover(id, c.backendRestarted === true);
    });
  };

  const recover = async (id: string, restarted: boolean) => {
    const p = pending.get(id);
    if (!p) return;
    const gone = () => p.settle({ state: 'failed', error: serializeError(new WorkbenchError('unavailable', 'the backend restarted; the operation is gone')) });
    if (restarted) return gone();
    try {
      const snap = await api.call('op.get', { id });
      if (snap.end) p.settle(snap.end as OperationEnd);
      else await api.call('op.watch', { id });
    } catch (err) {
      if ((err as WorkbenchError).code === 'not_found') gone();
    }
  };

  function runOperation<M extends OperationName>(method: M, input: MethodInput<M>, opts: RunOperationOptions<M> = {}): RunningOperation<M> {
    wire();
    const opId = newOpId();
    let settleEnd!: (end: OperationEnd<M>) => void;
    const end = new Promise<OperationEnd<M>>((resolve) => (settleEnd = resolve));
    pending.set(opId, {
      seq: 0,
      ...(opts.onEvent ? { onEvent: opts.onEvent as (e: OperationEvent) => void } : {}),
      ...(opts.onDetail ? { onDetail: opts.onDetail as (d: unknown) => void } : {}),
      settle: (e) => {
        if (!pending.delete(opId)) return;
        settleEnd(e as OperationEnd<M>);
      },
    });
    api.call(method, input, { opId }).catch(async (err: unknown) => {
      // A reply that is an error: it did not start. A transport failure (the request was cut
      // off): it may have started anyway, and the backend knows it by our id.
      if (!(err instanceof WorkbenchError)) {
        const known = await api.call('op.get', { id: opId }).catch(() => undefined);
        if (known?.end) return pending.get(opId)?.settle(known.end as OperationEnd);
        if (known) return void api.call('op.watch', { id: opId }).catch(() => undefined);
      }
      pending.get(opId)?.settle({ state: 'failed', error: serializeError(err) });
    });
    const result = end.then((e) => {
      if (e.state === 'failed') throw deserializeError(e.error);
      if (e.state === 'cancelled' && e.result === undefined) throw new WorkbenchError('cancelled', `${method} was cancelled`);
      return e.result as OperationOutput<M>;
    });
    result.catch(() => undefined); // callers that only look at `end` must not see an unhandled rejection
    return { opId, result, end, cancel: () => api.call('op.cancel', { id: opId }).then((r) => r.cancelled) };
  }

  return { runOperation };
}

function newOpId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
