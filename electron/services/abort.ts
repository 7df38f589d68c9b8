import { WorkbenchError } from '../../shared/api/errors';

/** The error cancelled work throws: an operation that ends with it ends `cancelled`, not failed. */
export function cancelledError(what = 'cancelled'): WorkbenchError {
  return new WorkbenchError('cancelled', what);
}

export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelledError(what);
}

/** `promise`, or a cancelled error as soon as `signal` aborts (the promise itself is left to finish). */
export function unlessCancelled<T>(promise: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** Wait `ms`, or less when `signal` aborts (resolves either way; the caller checks the signal). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
