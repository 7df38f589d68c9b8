/**
 * The renderer's stores against the real backend, in this process: a Workbench with its own
 * REPRO_HOME and an implementation of the contract's WorkbenchApi that goes through the same
 * dispatch door as the hosts (zod validation, `{result}|{error}` replies, errors rebuilt with
 * their codes), with inputs, replies and events passed through JSON like the web host's wire.
 * The renderer code under test never imports electron/: it is handed this API via installApi.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodInput, MethodName, MethodOutput, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError } from '../../../shared/api/errors';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import { dispatch } from '../../../electron/api/dispatch';
import { createWorkbench, type Workbench } from '../../../electron/services/workbench';
import { installApi } from '../../../renderer/src/api';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const sampleBundle = join(repoRoot, 'examples', 'incident-checkout');

const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export interface InProcessApi extends WorkbenchApi {
  /** Hold the reply of the next call of `method` in transit until release() (to order replies in a test). */
  hold(method: MethodName): () => void;
  /** Methods called so far, in order. */
  readonly calls: MethodName[];
}

export function inProcessApi(wb: Workbench): InProcessApi {
  const held = new Map<MethodName, Promise<void>>();
  const calls: MethodName[] = [];
  return {
    host: 'web',
    calls,
    hold(method) {
      let release!: () => void;
      held.set(method, new Promise<void>((r) => (release = r)));
      return () => release();
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      calls.push(method);
      const gate = held.get(method);
      held.delete(method);
      const reply = await dispatch(method, wire(input ?? {}), { wb, emit: (e, p) => wb.events.emit(e, p) });
      if (gate) await gate;
      if ('error' in reply) throw deserializeError(wire(reply.error));
      return wire(reply.result) as MethodOutput<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void) {
      return wb.events.subscribe((name, payload) => {
        if ((name as EventName) === event) listener(wire(payload) as WorkbenchEvents[E]);
      });
    },
  };
}

/** A workbench in a temp home, installed as the renderer's API. */
export function installInProcessApi(): { wb: Workbench; api: InProcessApi; home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'repro-renderer-'));
  const wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: home }, appRoot: repoRoot });
  const api = inProcessApi(wb);
  installApi(api);
  return { wb, api, home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Resolves when `check` holds after a store change (stores notify synchronously on set). */
export function until<S>(store: { getState(): S; subscribe(l: (s: S) => void): () => void }, check: (s: S) => boolean): Promise<S> {
  return new Promise((resolve) => {
    if (check(store.getState())) return resolve(store.getState());
    const off = store.subscribe((s) => {
      if (check(s)) {
        off();
        resolve(s);
      }
    });
  });
}
