/**
 * Event streams of the contract (server -> renderer), one typed payload per event name: no
 * consumer casts. Two scopes:
 *   broadcast  every connection gets it: global state changes and operations' progress
 *              (op, sessionsChanged, recordChanged)
 *   scoped     only the connection that subscribed gets it, and the subscription ends when that
 *              connection closes (an Electron window, a WebSocket): log follows (log) and the live
 *              data of operations it started or watches (opDetail)
 * `connection` is made by the renderer's api adapter itself (the event connection opened,
 * dropped or came back), never sent by a host.
 */
import type { OperationDetailEvent, OperationEvent, OperationProgress, ProgressUnit } from './operations';

export type { OperationDetailEvent, OperationEvent, OperationProgress, ProgressUnit };

/** What one progress bar shows (the CLI's stderr lines, the renderer's bars, the trace worker). */
export interface ProgressEvent extends OperationProgress {
  /** Id of the bar (an operation id, or `<op id>:<part>`). */
  task: string;
  /** Set on the last event of a bar. */
  finished?: boolean;
  error?: string;
}

export interface LogEvent {
  session: string;
  service: string;
  stream: 'stdout' | 'stderr';
  line: string;
  /** ms since epoch */
  ts: number;
  /** The env.logsFollow subscription it belongs to (absent in env.logs history). */
  subscription?: string;
}

export interface SessionsChangedEvent {
  reason: string;
  session?: string;
}

/** Something was added to a session's record (a replay, a runbook step, a note…). */
export interface RecordChangedEvent {
  session: string;
  kind: string;
}

export interface ConnectionEvent {
  /** `open` the first time and after every reconnection; `closed` when it dropped. */
  state: 'open' | 'closed';
  /** On `open` after a drop: what was missed has been caught up (op.list). */
  reconnected?: boolean;
  /** On `open` after a drop: the backend restarted, so operations and subscriptions it had are gone. */
  backendRestarted?: boolean;
}

export interface WorkbenchEvents {
  /** Broadcast: every operation's start, progress and end (see shared/api/operations.ts). */
  op: OperationEvent;
  /** Scoped: live data of operations this connection started or watches (op.watch). */
  opDetail: OperationDetailEvent;
  /** Scoped: new lines of this connection's env.logsFollow subscriptions. */
  log: LogEvent;
  /** Broadcast: sessions came, went or changed state. */
  sessionsChanged: SessionsChangedEvent;
  /** Broadcast: a session's record gained an event. */
  recordChanged: RecordChangedEvent;
  /** Local to the renderer's api adapter (never sent by a host). */
  connection: ConnectionEvent;
}

export type EventName = keyof WorkbenchEvents;
export const BROADCAST_EVENTS = ['op', 'sessionsChanged', 'recordChanged'] as const satisfies readonly EventName[];
export const SCOPED_EVENTS = ['opDetail', 'log'] as const satisfies readonly EventName[];
export type BroadcastEventName = (typeof BROADCAST_EVENTS)[number];
export type ScopedEventName = (typeof SCOPED_EVENTS)[number];
export type HostEventName = BroadcastEventName | ScopedEventName;
export const EVENT_NAMES: readonly EventName[] = [...BROADCAST_EVENTS, ...SCOPED_EVENTS, 'connection'];
