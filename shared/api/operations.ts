/**
 * The operation model: one shape for every long call (up, down, verify, bundle open/unpack,
 * replay, noise suggestion, runbook runs, trace loads, and whatever comes next).
 *
 *   call(method, input)  ->  { op }            at once; the work goes on in the backend
 *   `op` events           ->  started, progress…, then exactly one of done | failed | cancelled
 *   `opDetail` events     ->  live data (result rows, step output), only to the connections that
 *                             started or watch the operation
 *   op.list / op.get      ->  what runs now and what ended lately (a reconnecting client catches up)
 *   op.cancel             ->  the one way to stop any of them
 *
 * Cancelled is not failed: a cancelled operation ends `cancelled` (with what was done so far
 * when the work has a partial result, e.g. a replay's report), never with an error.
 */
import type { OperationDetail, OperationName, OperationOutput } from './contract';
import type { SerializedError } from './errors';

export type OperationState = 'running' | 'done' | 'failed' | 'cancelled';
export type ProgressUnit = 'bytes' | 'files' | 'requests' | 'steps' | 'spans';

/** What a progress bar shows. */
export interface OperationProgress {
  /** Human label of the current step, e.g. "Loading image of checkout". */
  label: string;
  done: number;
  total?: number;
  unit?: ProgressUnit;
}

export interface OperationInfo<M extends OperationName = OperationName> {
  /** Operation id: made by the caller (runOperation) or by the backend. */
  id: string;
  method: M;
  state: OperationState;
  /** The connection that started it (`desktop:<n>`, `web:<id>`, `cli`). */
  client: string;
  /** What it works on, taken from its input, so panes find their runs: */
  session?: string;
  handle?: string;
  startedAt: number;
  finishedAt?: number;
  /** The overall bar. */
  progress?: OperationProgress;
  /** Bars of parts running side by side (an up's image loads), by key; all close with the operation. */
  parts?: Record<string, OperationProgress>;
  /** Sequence number of the operation's latest `op` event (see op.list `since`). */
  seq: number;
}

/** How an operation ended: exactly one of these per operation. */
export type OperationEnd<M extends OperationName = OperationName> =
  | { state: 'done'; result: OperationOutput<M> }
  /** `result` is what was done before the stop, when the work has such a thing (a replay's report). */
  | { state: 'cancelled'; result?: OperationOutput<M> }
  | { state: 'failed'; error: SerializedError };

type EventOf<M extends OperationName> =
  | { type: 'started' | 'progress'; method: M; op: OperationInfo<M> }
  | { type: 'done'; method: M; op: OperationInfo<M>; result: OperationOutput<M> }
  | { type: 'cancelled'; method: M; op: OperationInfo<M>; result?: OperationOutput<M> }
  | { type: 'failed'; method: M; op: OperationInfo<M>; error: SerializedError };

/** The `op` event (broadcast to every connection): narrow on `method`, then on `type`. */
export type OperationEvent = { [M in OperationName]: EventOf<M> }[OperationName];

/** The `opDetail` event (scoped to the connections that started or watch the operation). */
export type OperationDetailEvent = {
  [M in OperationName]: [OperationDetail<M>] extends [never] ? never : { op: string; method: M; data: OperationDetail<M> };
}[OperationName];

/** Reply of calling an operation method: it has started. */
export interface OperationStarted<M extends OperationName = OperationName> {
  op: string;
  method: M;
}

/** op.list */
export interface OperationList {
  /** Changes when the backend restarts: ids from another instance are gone. */
  instance: string;
  /** The latest sequence number; pass it as `since` next time. */
  seq: number;
  /** Running operations and those that ended lately (most recent last). */
  ops: OperationInfo[];
}

/** op.get: an operation, and how it ended once it has. */
export type OperationSnapshot<M extends OperationName = OperationName> = OperationInfo<M> & { end?: OperationEnd<M> };

export const OP_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
