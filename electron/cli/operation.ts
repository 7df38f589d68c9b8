import type { MethodInput, OperationDetail, OperationName, OperationOutput } from '../../shared/api/contract';
import { deserializeError, WorkbenchError } from '../../shared/api/errors';
import type { OperationDetailEvent, OperationEvent } from '../../shared/api/events';
import type { OperationEnd } from '../../shared/api/operations';
import type { Workbench } from '../services/workbench';
import type { CliIo } from './command';
import { printJson, progressPrinter } from './output';
import { timed } from '../services/timing';

/** Exit code of a command whose operation was cancelled (Ctrl-C): 128 + SIGINT, as shells report it. */
export const EXIT_CANCELLED = 130;

export interface CliOperationOptions<M extends OperationName> {
  /** The operation's live data (runbook step output, replay rows), as it comes. */
  onDetail?: (data: OperationDetail<M>) => void;
  /** Print progress bars on stderr (default true). */
  progress?: boolean;
}

/**
 * Run an operation in this process, exactly as the hosts run it for their clients: its progress
 * goes to stderr, Ctrl-C (SIGINT) or SIGTERM cancels it (a second Ctrl-C quits at once), and the
 * result is how it ended. Validation errors throw (usage), like a host's reply would.
 */
export async function runCliOperation<M extends OperationName>(
  io: CliIo,
  wb: Workbench,
  method: M,
  input: MethodInput<M>,
  opts: CliOperationOptions<M> = {},
): Promise<OperationEnd<M>> {
  const print = opts.progress === false ? undefined : progressPrinter(io);
  let id: string | undefined;
  const conn = wb.events.connect('cli', (event, payload) => {
    if (event === 'opDetail') {
      const d = payload as OperationDetailEvent;
      if (d.op === id) opts.onDetail?.(d.data as OperationDetail<M>);
      return;
    }
    if (event !== 'op' || !print) return;
    const e = payload as OperationEvent;
    if (e.op.client !== 'cli' || (id !== undefined && e.op.id !== id)) return;
    const finished = e.type !== 'started' && e.type !== 'progress';
    for (const [part, p] of Object.entries(e.op.parts ?? {})) print({ task: `${e.op.id}:${part}`, ...p });
    if (e.op.progress) print({ task: e.op.id, ...e.op.progress, ...(finished ? { finished: true } : {}), ...(e.type === 'failed' ? { error: e.error.message } : e.type === 'cancelled' ? { error: 'cancelled' } : {}) });
  });
  let stops = 0;
  const onSignal = () => {
    stops++;
    if (stops > 1) process.exit(EXIT_CANCELLED);
    io.stderr('\nstopping… (press Ctrl-C again to quit at once)\n');
    if (id) wb.ops.cancel(id);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The API layer (every area's handlers) loads here, for the commands that run operations:
    // this module is also imported by `repro --help`, which must stay light.
    const { runOperationInProcess } = await timed('load the API layer', () => import('../api/dispatch'));
    const started = runOperationInProcess(wb, method, input, 'cli');
    id = started.id;
    if (stops > 0) wb.ops.cancel(id);
    return await started.end;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    conn.close();
  }
}

/**
 * The usual ending of an operation command: done -> its result; failed -> its error, thrown
 * (main prints it, as `{"error":…}` with --json); cancelled -> its partial result (what was
 * done so far; with --json still the one document, and exitCode() gives EXIT_CANCELLED), or,
 * when it has none, a `cancelled` error thrown (main exits EXIT_CANCELLED).
 */
export function resultOrThrow<M extends OperationName>(end: OperationEnd<M>): OperationOutput<M> {
  if (end.state === 'failed') throw deserializeError(end.error);
  if (end.state === 'cancelled' && end.result === undefined) throw new WorkbenchError('cancelled', 'cancelled (Ctrl-C) before anything was done');
  return end.result as OperationOutput<M>;
}

/** The exit code: `code` for work that ran, EXIT_CANCELLED when it was stopped. */
export function exitCode(end: OperationEnd, code: number): number {
  return end.state === 'cancelled' ? EXIT_CANCELLED : code;
}

/** `{"error":{code,message,details?}}`: the one --json error document of every command. */
export function printJsonError(io: CliIo, err: { code?: string; message: string; details?: unknown }): void {
  printJson(io, { error: { code: err.code ?? 'internal', message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
}
