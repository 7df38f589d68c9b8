/**
 * Event streams of the contract (server -> renderer). Every long arrow reports progress through
 * `progress`; container output through `log`. Areas may add their own streams here.
 */
export interface ProgressEvent {
  /** Id of the task, given by the caller or made by the service (e.g. `verify:<handle>`). */
  task: string;
  /** Human label of the current step, e.g. "Loading image checkout". */
  label: string;
  done: number;
  total?: number;
  unit?: 'bytes' | 'files' | 'requests' | 'steps' | 'spans';
  /** Set on the last event of a task. */
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
}

export interface SessionsChangedEvent {
  reason: string;
  session?: string;
}

export interface WorkbenchEvents {
  progress: ProgressEvent;
  log: LogEvent;
  sessionsChanged: SessionsChangedEvent;
  /** Generic per-area updates (e.g. replay result rows, runbook step output). */
  update: { topic: string; data: unknown };
}

export type EventName = keyof WorkbenchEvents;
export const EVENT_NAMES: readonly EventName[] = ['progress', 'log', 'sessionsChanged', 'update'];
