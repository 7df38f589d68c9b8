/**
 * Every operation this window knows of (its own and other clients': the CLI's replay, another
 * window's up), from the broadcast `op` stream, and what was running when the window opened
 * (op.list). Progress bars and "is something running on this session" come from here, so they
 * show the same thing in every pane and close on every path: an operation's bars go with its
 * one final event.
 */
import { create } from 'zustand';
import type { OperationName } from '../../../shared/api/contract';
import type { OperationEvent, ProgressEvent } from '../../../shared/api/events';
import type { OperationInfo } from '../../../shared/api/operations';
import { api } from '../api';
import { reportBackgroundError } from './app';

/** Ended operations kept (for "how did it end" after the fact); older ones are dropped. */
const KEEP_ENDED = 50;

interface OperationsState {
  byId: Record<string, OperationInfo>;
}

export const useOperations = create<OperationsState>(() => ({ byId: {} }));

function keep(byId: Record<string, OperationInfo>): Record<string, OperationInfo> {
  const ended = Object.values(byId).filter((o) => o.state !== 'running');
  if (ended.length <= KEEP_ENDED) return byId;
  const drop = new Set(ended.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0)).slice(0, ended.length - KEEP_ENDED).map((o) => o.id));
  return Object.fromEntries(Object.entries(byId).filter(([id]) => !drop.has(id)));
}

/** One `op` event (a live one, or one the web adapter replays after a reconnect). */
export function applyOperationEvent(e: OperationEvent): void {
  useOperations.setState((s) => {
    const known = s.byId[e.op.id];
    if (known && known.seq >= e.op.seq) return {}; // a late or repeated copy
    return { byId: keep({ ...s.byId, [e.op.id]: e.op }) };
  });
}

/**
 * What runs now and what ended lately: at start-up (merged with events that came meanwhile), and
 * after the backend restarted (`replace`: what we knew is gone).
 */
export async function loadOperations(opts: { replace?: boolean } = {}): Promise<void> {
  const list = await api.call('op.list', {});
  useOperations.setState((s) => {
    const byId = opts.replace ? {} : { ...s.byId };
    for (const op of list.ops) if (!byId[op.id] || byId[op.id]!.seq < op.seq) byId[op.id] = op;
    return { byId: keep(byId) };
  });
}

/** The running operation of `method` on a session or bundle, whoever started it. */
export function runningOperation(state: OperationsState, method: OperationName | OperationName[], on: { session?: string; handle?: string }): OperationInfo | undefined {
  const methods = Array.isArray(method) ? method : [method];
  return Object.values(state.byId).find(
    (o) => o.state === 'running' && methods.includes(o.method) && (on.session === undefined || o.session === on.session) && (on.handle === undefined || o.handle === on.handle),
  );
}

/** An operation's bars: its overall one, then its parts' (an up's image loads side by side). */
export function progressBars(op: OperationInfo | undefined): ProgressEvent[] {
  if (!op || op.state !== 'running') return [];
  return [
    ...(op.progress ? [{ task: op.id, ...op.progress }] : []),
    ...Object.entries(op.parts ?? {}).map(([part, p]) => ({ task: `${op.id}:${part}`, ...p })),
  ];
}

/** The overall bar of every running operation, for the top bar. */
export function runningBars(state: OperationsState): ProgressEvent[] {
  return Object.values(state.byId)
    .filter((o) => o.state === 'running' && o.progress)
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((o) => ({ task: o.id, ...o.progress! }));
}

/** op.cancel, the one way to stop any operation; a failure to ask is reported, not swallowed. */
export async function cancelOperation(id: string): Promise<boolean> {
  try {
    return (await api.call('op.cancel', { id })).cancelled;
  } catch (err) {
    reportBackgroundError('Cancelling', err);
    return false;
  }
}
