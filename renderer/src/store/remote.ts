/**
 * The renderer's one data layer, part 1: server data in a store. Every area's store
 * (store/<area>.ts) holds each kind of data it fetched as a `Remote<T>` (what it is for, the data,
 * whether a request is out, the last error with its code) and fills it with `load`, which keeps
 * only the newest request's reply: a late answer for an older session or bundle never overwrites
 * newer data. Calls that change things go through `useAction` (store/actions.ts).
 */
import type { StoreApi } from 'zustand';
import { isErrorCode, type ErrorCode } from '../../../shared/api/errors';

/** An error as the UI keeps it: the contract's code (so the UI can act on it) and message. */
export interface UiError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export function toUiError(err: unknown): UiError {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const e = err as { code?: unknown; message?: unknown; details?: unknown };
    return {
      code: isErrorCode(e.code) ? e.code : 'internal',
      message: String(e.message),
      ...(e.details !== undefined ? { details: e.details } : {}),
    };
  }
  return { code: 'internal', message: String(err) };
}

/** One kind of server data in a store. */
export interface Remote<T> {
  /** What the data is for (a session name, a bundle handle ...); replies for another key are dropped. */
  key?: string;
  data?: T;
  loading: boolean;
  error?: UiError;
  /** Id of the newest request; the reply of any older one is stale. */
  seq: number;
}

export function remote<T>(): Remote<T> {
  return { loading: false, seq: 0 };
}

type RemoteFields<S> = { [K in keyof S]: S[K] extends Remote<unknown> ? K : never }[keyof S];
type DataOf<R> = R extends Remote<infer T> ? T : never;

let lastSeq = 0;

/**
 * Fetch `key`'s data into the store's `field`. Refreshing the same key keeps showing the data it
 * has until the reply lands; asking for another key drops the old data at once (no other
 * session's rows under this session's name). Resolves to the data, or undefined when the request
 * failed (the error is in the field) or was overtaken by a newer one.
 */
export async function load<S, K extends RemoteFields<S>>(store: StoreApi<S>, field: K, key: string, fetch: () => Promise<DataOf<S[K]>>): Promise<DataOf<S[K]> | undefined> {
  const seq = ++lastSeq;
  const before = store.getState()[field] as Remote<DataOf<S[K]>>;
  const same = before.key === key;
  const write = (r: Omit<Remote<DataOf<S[K]>>, 'seq' | 'key'>) => store.setState({ [field]: { key, seq, ...r } } as unknown as Partial<S>);
  write({ loading: true, ...(same && before.data !== undefined ? { data: before.data } : {}), ...(same && before.error ? { error: before.error } : {}) });
  const current = () => (store.getState()[field] as Remote<unknown>).seq === seq;
  try {
    const data = await fetch();
    if (!current()) return undefined;
    write({ loading: false, data });
    return data;
  } catch (err) {
    if (!current()) return undefined;
    write({ loading: false, error: toUiError(err), ...(same && before.data !== undefined ? { data: before.data } : {}) });
    return undefined;
  }
}

/** Forget the field's data; a request still out for it lands nowhere. */
export function clear<S, K extends RemoteFields<S>>(store: StoreApi<S>, field: K): void {
  store.setState({ [field]: { loading: false, seq: ++lastSeq } } as unknown as Partial<S>);
}

/** Replace the field's data without a request (a call's reply that is the new truth); in-flight requests are overtaken. */
export function put<S, K extends RemoteFields<S>>(store: StoreApi<S>, field: K, key: string, data: DataOf<S[K]>): void {
  store.setState({ [field]: { key, data, loading: false, seq: ++lastSeq } } as unknown as Partial<S>);
}

/** The field's data if it is for `key`. */
export function dataFor<T>(r: Remote<T>, key: string | undefined): T | undefined {
  return key !== undefined && r.key === key ? r.data : undefined;
}
