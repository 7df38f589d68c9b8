import type { z } from 'zod';

/**
 * One request/response method of the contract. The input is a zod schema (validated at every
 * boundary: IPC, HTTP); the output is a type only, because we trust our own services' replies.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  /** Phantom field carrying the output type; never set at run time. */
  readonly output?: O;
  /** Long-running methods report progress on the `progress` event stream. */
  readonly streamsProgress?: boolean;
}

/** `method(z.object({...})).returns<Result>()` keeps input and output types together. */
export function method<I extends z.ZodType>(input: I, opts: { streamsProgress?: boolean } = {}) {
  return {
    returns<O>(): MethodDef<I, O> {
      return { input, ...(opts.streamsProgress ? { streamsProgress: true } : {}) };
    },
  };
}
