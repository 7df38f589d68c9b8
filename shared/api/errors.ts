/**
 * Errors that cross a process boundary (IPC, HTTP, CLI JSON) keep their name, code and
 * details, so the UI and scripts can branch on `code` rather than parse messages.
 */
export const ERROR_CODES = [
  'invalid_argument',
  'not_found',
  'unauthorized',
  'forbidden',
  'conflict',
  'unavailable', // e.g. the Docker engine is unreachable
  'timeout',
  'bundle_invalid',
  'secret_missing',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class WorkbenchError extends Error {
  override name = 'WorkbenchError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turn anything thrown into the wire form; unknown errors become `internal`. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof WorkbenchError) {
    return { name: err.name, code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, code: isErrorCode(code) ? code : 'internal', message: err.message };
  }
  return { name: 'Error', code: 'internal', message: String(err) };
}

/** Rebuild an error on the receiving side so `instanceof WorkbenchError` and `.code` work. */
export function deserializeError(e: SerializedError): WorkbenchError {
  const err = new WorkbenchError(isErrorCode(e.code) ? e.code : 'internal', e.message, e.details);
  err.name = e.name || 'WorkbenchError';
  return err;
}

/** The `{result}|{error}` reply shape used by every transport. */
export type Reply<T> = { result: T } | { error: SerializedError };
