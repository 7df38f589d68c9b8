import { isMethodName, isOperationName, methods, type CallOutput, type MethodInput, type MethodName, type MethodParsedInput, type OperationName } from '../../shared/api/contract';
import { deserializeError, serializeError, WorkbenchError, type Reply } from '../../shared/api/errors';
import type { OperationEnd } from '../../shared/api/operations';
import type { Workbench } from '../services/workbench';
import { handlerFor } from './handlers';
import type { CallContext, Handler, OperationContext } from './handlers/types';

/** Validate a call's input against the contract's zod schema (defaults applied). */
export function parseInput<M extends MethodName>(method: M, rawInput: unknown): MethodParsedInput<M> {
  const parsed = methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: '/' + i.path.map(String).join('/'), message: i.message }));
    const first = issues[0];
    throw new WorkbenchError('invalid_argument', `Invalid input for ${method}${first ? ` at ${first.path}: ${first.message}` : ''}`, { issues });
  }
  return parsed.data as MethodParsedInput<M>;
}

/** The context of a call made by `client` (hosts pass the request's signal; in-process callers may omit it). */
export function callContext(wb: Workbench, client: string, signal: AbortSignal = new AbortController().signal): CallContext {
  return { wb, client, signal, emit: (event, payload) => wb.events.broadcast(event, payload) };
}

/**
 * Start an operation with already validated input: it runs in the background; `end` settles
 * with how it ended (never rejects). Hosts reply `{ op }` at once; the CLI awaits `end`.
 */
export function startOperation<M extends OperationName>(
  wb: Workbench,
  method: M,
  input: MethodParsedInput<M>,
  opts: { client: string; id?: string },
): { id: string; end: Promise<OperationEnd<M>> } {
  const subject = input as { session?: unknown; handle?: unknown; source?: { handle?: unknown; name?: unknown } };
  const session = typeof subject.session === 'string' ? subject.session : typeof subject.source?.name === 'string' ? subject.source.name : undefined;
  const handle = typeof subject.handle === 'string' ? subject.handle : typeof subject.source?.handle === 'string' ? subject.source.handle : undefined;
  const started = wb.ops.start({ method, client: opts.client, ...(opts.id ? { id: opts.id } : {}), ...(session ? { session } : {}), ...(handle ? { handle } : {}) }, async (run) =>
    ((await handlerFor(method)) as unknown as (input: unknown, ctx: OperationContext<M>) => Promise<unknown>)(input, {
      ...callContext(wb, opts.client, run.signal),
      op: run.id,
      progress: run.progress,
      detail: run.detail,
      drained: run.drained,
    }),
  );
  return started as { id: string; end: Promise<OperationEnd<M>> };
}

/**
 * The one door into the services for every host (IPC and HTTP): checks the method exists,
 * validates the input against the contract's zod schema, runs the handler (or, for an
 * operation, starts it and replies `{ op }` at once), and replies `{result}|{error}` so errors
 * keep their names, codes and details across the boundary.
 */
export async function dispatch(method: string, rawInput: unknown, ctx: CallContext, opts: { opId?: string } = {}): Promise<Reply<unknown>> {
  try {
    if (!isMethodName(method)) throw new WorkbenchError('not_found', `Unknown API method "${method}"`);
    const input = parseInput(method, rawInput);
    if (isOperationName(method)) {
      const { id } = startOperation(ctx.wb, method, input as MethodParsedInput<typeof method>, { client: ctx.client, ...(opts.opId ? { id: opts.opId } : {}) });
      return { result: { op: id, method } };
    }
    const handler = (await handlerFor(method)) as Handler<MethodName>;
    const result = await handler(input as never, ctx as never);
    return { result };
  } catch (err) {
    return { error: serializeError(err) };
  }
}

/** A call made in-process (CLI, tests) exactly as a host would make it; throws its error. */
export async function callInProcess<M extends MethodName>(wb: Workbench, method: M, input: MethodInput<M>, client = 'local'): Promise<CallOutput<M>> {
  const reply = await dispatch(method, input, callContext(wb, client));
  if ('error' in reply) throw deserializeError(reply.error);
  return reply.result as CallOutput<M>;
}

/** Validate and start an operation in-process (the CLI, tests); `end` settles with how it ended. */
export function runOperationInProcess<M extends OperationName>(wb: Workbench, method: M, input: MethodInput<M>, client = 'local'): { id: string; end: Promise<OperationEnd<M>> } {
  return startOperation(wb, method, parseInput(method, input), { client });
}
