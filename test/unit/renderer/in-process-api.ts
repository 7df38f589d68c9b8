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
import { randomBytes } from 'node:crypto';
import type { CallOptions, CallOutput, MethodInput, MethodName, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError } from '../../../shared/api/errors';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import { callContext, dispatch } from '../../../electron/api/dispatch';
import { createWorkbench, type Workbench } from '../../../electron/services/workbench';
import { installApi } from '../../../renderer/src/api';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const sampleBundle = join(repoRoot, 'examples', 'incident-checkout');

const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export interface HeldEvents {
  /** Deliver the held events that match (all by default), in the order they came. */
  release(match?: (event: EventName, payload: unknown) => boolean): void;
  /** Stop holding; deliver what is left. */
  stop(): void;
}

export interface InProcessApi extends WorkbenchApi {
  /**
   * Hold the next call of `method` in transit until release(): its reply (`after`, the work is
   * done) or the call itself (`before`, the backend has not seen it). To order things in a test.
   */
  hold(method: MethodName, when?: 'before' | 'after'): () => void;
  /** Hold the events that match, as a slow connection would, until released. */
  holdEvents(match: (event: EventName, payload: unknown) => boolean): HeldEvents;
  /** Calls made so far, in order, with the operation id runOperation gave each. */
  readonly calls: { method: MethodName; opId?: string }[];
  readonly client: string;
}

export function inProcessApi(wb: Workbench): InProcessApi {
  const held = new Map<MethodName, { when: 'before' | 'after'; gate: Promise<void> }>();
  const calls: { method: MethodName; opId?: string }[] = [];
  const holds = new Set<{ match: (event: EventName, payload: unknown) => boolean; queue: [EventName, unknown][] }>();
  // One client with one live connection, as a window or a browser tab is: scoped events (its
  // operations' live data, its log follows) come to it alone.
  const client = `web:test-${randomBytes(4).toString('hex')}`;
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const deliver = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  wb.events.connect(client, (event, payload) => {
    const copy = wire(payload);
    for (const h of holds) {
      if (h.match(event, copy)) {
        h.queue.push([event, copy]);
        return;
      }
    }
    deliver(event, copy);
  });
  return {
    host: 'web',
    calls,
    client,
    hold(method, when = 'after') {
      let release!: () => void;
      held.set(method, { when, gate: new Promise<void>((r) => (release = r)) });
      return () => release();
    },
    holdEvents(match) {
      const h = { match, queue: [] as [EventName, unknown][] };
      holds.add(h);
      const flush = (m: (event: EventName, payload: unknown) => boolean) => {
        const out = h.queue.filter(([e, p]) => m(e, p));
        h.queue = h.queue.filter(([e, p]) => !m(e, p));
        for (const [e, p] of out) deliver(e, p);
      };
      return {
        release: (m = () => true) => flush(m),
        stop: () => {
          holds.delete(h);
          flush(() => true);
        },
      };
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>, opts?: CallOptions): Promise<CallOutput<M>> {
      calls.push({ method, ...(opts?.opId ? { opId: opts.opId } : {}) });
      const gate = held.get(method);
      held.delete(method);
      if (gate?.when === 'before') await gate.gate;
      const reply = await dispatch(method, wire(input ?? {}), callContext(wb, client), opts?.opId ? { opId: opts.opId } : {});
      if (gate?.when === 'after') await gate.gate;
      if ('error' in reply) throw deserializeError(wire(reply.error));
      return wire(reply.result) as CallOutput<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
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
