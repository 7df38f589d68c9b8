import { isMethodName, methods, type MethodName } from '../../shared/api/contract';
import { serializeError, WorkbenchError, type Reply } from '../../shared/api/errors';
import { handlers } from './handlers';
import type { CallContext, Handler } from './handlers/types';

/**
 * The one door into the services for every host (IPC and HTTP): checks the method exists,
 * validates the input against the contract's zod schema, runs the handler, and replies
 * `{result}|{error}` so errors keep their names, codes and details across the boundary.
 */
export async function dispatch(method: string, rawInput: unknown, ctx: CallContext): Promise<Reply<unknown>> {
  try {
    if (!isMethodName(method)) throw new WorkbenchError('not_found', `Unknown API method "${method}"`);
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: '/' + i.path.map(String).join('/'), message: i.message }));
      const first = issues[0];
      throw new WorkbenchError(
        'invalid_argument',
        `Invalid input for ${method}${first ? ` at ${first.path}: ${first.message}` : ''}`,
        { issues },
      );
    }
    const handler = handlers[method] as Handler<MethodName>;
    const result = await handler(parsed.data as never, ctx);
    return { result };
  } catch (err) {
    return { error: serializeError(err) };
  }
}
