import type { z } from '../zod';

/**
 * One request/response method of the contract. The input is a zod schema (validated at every
 * boundary: IPC, HTTP); the output is a type only, because we trust our own services' replies.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  /** Phantom field carrying the output type; never set at run time. */
  readonly output?: O;
  /** Set (true) on operations only: see OperationDef. */
  readonly operation?: true;
}

/**
 * A long method: an *operation*. Calling it starts it and replies at once with its operation id;
 * it reports typed progress on the `op` event stream, can be cancelled with `op.cancel`, is
 * listed by `op.list`, and always ends with exactly one final `op` event (done, failed or
 * cancelled) carrying its result (the output type) or its error. `D` is the type of its live
 * data (`opDetail` events, sent only to the connections that started or watch it).
 */
export interface OperationDef<I extends z.ZodType = z.ZodType, O = unknown, D = never> extends MethodDef<I, O> {
  readonly operation: true;
  /** Phantom field carrying the live-data type; never set at run time. */
  readonly detail?: D;
}

/** `method(z.object({...})).returns<Result>()` keeps input and output types together. */
export function method<I extends z.ZodType>(input: I): { returns<O>(): MethodDef<I, O> };
/** @deprecated `streamsProgress` marks an operation: write `operation(input).returns<O>()`. */
export function method<I extends z.ZodType>(input: I, opts: { streamsProgress: true }): { returns<O, D = never>(): OperationDef<I, O, D> };
export function method<I extends z.ZodType>(input: I, opts: { streamsProgress?: boolean } = {}) {
  return opts.streamsProgress ? operation(input) : { returns: () => ({ input }) };
}

/** `operation(z.object({...})).returns<Result, LiveData>()`: a long method (see OperationDef). */
export function operation<I extends z.ZodType>(input: I) {
  return {
    returns<O, D = never>(): OperationDef<I, O, D> {
      return { input, operation: true };
    },
  };
}

export function isOperationDef(def: MethodDef): def is OperationDef {
  return def.operation === true;
}
