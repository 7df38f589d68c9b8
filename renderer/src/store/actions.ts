/**
 * The renderer's one data layer, part 2: calls that change things. `useAction(id, fn)` runs a call,
 * keeps whether it is busy and its error (with the contract's code, so the UI can act on it: a
 * `secret_missing` opens the secrets prompt, a `conflict` says reload) in one store keyed by the
 * action's id, so the state outlives the component that started it (switch panes and back: the
 * button is still busy, the error still shown). Nothing is swallowed: a failed action's error
 * stays until the next run or `clear`.
 */
import { useCallback, useRef } from 'react';
import { create } from 'zustand';
import { toUiError, type UiError } from './remote';

interface ActionsState {
  /** Running actions by id, with what each is doing (its label). */
  busy: Record<string, string>;
  errors: Record<string, UiError>;
}

export const useActions = create<ActionsState>(() => ({ busy: {}, errors: {} }));

export interface ActionOptions<R> {
  /** What it is doing, for a button that says so ("Restarting…"). */
  label?: string;
  onDone?(result: R): void;
  onError?(error: UiError): void;
}

function without<T>(map: Record<string, T>, id: string): Record<string, T> {
  if (!(id in map)) return map;
  const next = { ...map };
  delete next[id];
  return next;
}

/** Run `fn` as action `id` (outside React too). Resolves to its result, or undefined when it failed. */
export async function runAction<R>(id: string, fn: () => Promise<R>, opts: ActionOptions<R> = {}): Promise<R | undefined> {
  useActions.setState((s) => ({ busy: { ...s.busy, [id]: opts.label ?? id }, errors: without(s.errors, id) }));
  let result: R;
  try {
    result = await fn();
  } catch (err) {
    const error = toUiError(err);
    useActions.setState((s) => ({ busy: without(s.busy, id), errors: { ...s.errors, [id]: error } }));
    opts.onError?.(error);
    return undefined;
  }
  useActions.setState((s) => ({ busy: without(s.busy, id) }));
  opts.onDone?.(result);
  return result;
}

export function clearActionError(id: string): void {
  useActions.setState((s) => ({ errors: without(s.errors, id) }));
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  /** The label of the running call (see `label`). */
  busyWith?: string;
  error?: UiError;
  clear(): void;
}

export function useAction<A extends unknown[], R>(
  id: string,
  fn: (...args: A) => Promise<R>,
  opts: Omit<ActionOptions<R>, 'label'> & { label?: (...args: A) => string } = {},
): Action<A, R> {
  const busyWith = useActions((s) => s.busy[id]);
  const error = useActions((s) => s.errors[id]);
  const latest = useRef({ fn, opts });
  latest.current = { fn, opts };
  const run = useCallback((...args: A) => {
    const { fn: call, opts: o } = latest.current;
    return runAction(id, () => call(...args), { ...o, label: o.label?.(...args) ?? id });
  }, [id]);
  const clear = useCallback(() => clearActionError(id), [id]);
  return { run, busy: busyWith !== undefined, ...(busyWith !== undefined ? { busyWith } : {}), ...(error ? { error } : {}), clear };
}
