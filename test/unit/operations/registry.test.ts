// The operation model itself (electron/services/operations.ts) on a real event bus: every
// operation ends with exactly one final event whatever happens, cancelled is not failed, every
// bar closes, and live data goes only to the connections that started or watch it.
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import type { OperationDetailEvent, OperationEvent } from '../../../shared/api/events';
import { EventBus } from '../../../electron/services/event-bus';
import { OperationRegistry, type OperationRunContext } from '../../../electron/services/operations';

function setup() {
  const bus = new EventBus();
  const ops = new OperationRegistry(bus);
  const seen: Record<string, { op: OperationEvent[]; detail: OperationDetailEvent[] }> = {};
  const connect = (client: string) => {
    const log = { op: [] as OperationEvent[], detail: [] as OperationDetailEvent[] };
    seen[client] = log;
    return bus.connect(client, (event, payload) => {
      if (event === 'op') log.op.push(payload as OperationEvent);
      if (event === 'opDetail') log.detail.push(payload as OperationDetailEvent);
    });
  };
  return { bus, ops, seen, connect };
}

/** An operation whose end the test decides. */
function controlled() {
  let ctx!: OperationRunContext;
  let finish!: (v: unknown) => void;
  let fail!: (e: unknown) => void;
  const run = (c: OperationRunContext) => {
    ctx = c;
    return new Promise((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { run, ctx: () => ctx, finish: (v: unknown) => finish(v), fail: (e: unknown) => fail(e) };
}

const finals = (events: OperationEvent[]) => events.filter((e) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled');

describe('operations', () => {
  it('start, progress, done: one final event carrying the result, and op.get/list know it', async () => {
    const { ops, seen, connect } = setup();
    connect('ui');
    const c = controlled();
    const { id, end } = ops.start({ method: 'replay.run', client: 'ui', session: 's1' }, c.run);
    c.ctx().progress({ label: 'Replaying', done: 1, total: 4, unit: 'requests' });
    expect(ops.list().ops.map((o) => [o.id, o.state, o.session])).toEqual([[id, 'running', 's1']]);
    c.finish({ ok: true });
    expect(await end).toEqual({ state: 'done', result: { ok: true } });
    const events = seen.ui!.op;
    expect(events[0]).toMatchObject({ type: 'started', method: 'replay.run', op: { id, state: 'running', client: 'ui' } });
    expect(finals(events)).toEqual([expect.objectContaining({ type: 'done', result: { ok: true }, op: expect.objectContaining({ state: 'done' }) })]);
    expect(events.at(-1)!.type).toBe('done');
    expect(ops.get(id)).toMatchObject({ state: 'done', end: { state: 'done', result: { ok: true } } });
    // sequence numbers grow; `since` returns only what changed after
    const seqs = events.map((e) => e.op.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(ops.list({ since: events.at(-1)!.op.seq }).ops).toEqual([]);
    expect(ops.list({ since: events[0]!.op.seq }).ops.map((o) => o.id)).toEqual([id]);
  });

  it('a failure ends `failed` with the error (code kept); a second settle is impossible', async () => {
    const { ops, seen, connect } = setup();
    connect('ui');
    const c = controlled();
    const { end } = ops.start({ method: 'env.up', client: 'ui' }, c.run);
    c.fail(new WorkbenchError('conflict', 'name taken', { service: 'web' }));
    expect(await end).toEqual({ state: 'failed', error: { name: 'WorkbenchError', code: 'conflict', message: 'name taken', details: { service: 'web' } } });
    expect(finals(seen.ui!.op)).toHaveLength(1);
  });

  it('cancelled is not failed: with a partial result, without one, or when the work broke because it was stopped', async () => {
    const { ops, seen, connect } = setup();
    connect('ui');
    // the work returns what it did so far
    const partial = controlled();
    const a = ops.start({ method: 'replay.run', client: 'ui' }, partial.run);
    partial.ctx().signal.addEventListener('abort', () => partial.finish({ sent: 2, cancelled: true }));
    expect(ops.cancel(a.id)).toBe(true);
    expect(await a.end).toEqual({ state: 'cancelled', result: { sent: 2, cancelled: true } });
    expect(ops.cancel(a.id)).toBe(false); // already over
    // the work throws the cancelled error
    const none = controlled();
    const b = ops.start({ method: 'env.up', client: 'ui' }, none.run);
    none.ctx().signal.addEventListener('abort', () => none.fail(new WorkbenchError('cancelled', 'stopped')));
    ops.cancel(b.id);
    expect(await b.end).toEqual({ state: 'cancelled' });
    // the work breaks with some other error because it was stopped (a socket closed under it)
    const broke = controlled();
    const c = ops.start({ method: 'bundle.verify', client: 'ui' }, broke.run);
    broke.ctx().signal.addEventListener('abort', () => broke.fail(new Error('socket hang up')));
    ops.cancel(c.id);
    expect(await c.end).toEqual({ state: 'cancelled' });
    for (const id of [a.id, b.id, c.id]) expect(finals(seen.ui!.op.filter((e) => e.op.id === id)).map((e) => e.type)).toEqual(['cancelled']);
    expect(seen.ui!.op.some((e) => e.type === 'failed')).toBe(false);
  });

  it('every bar closes with the operation, in every path; a part closes when it says so', async () => {
    const { ops, seen, connect } = setup();
    connect('ui');
    for (const ending of ['done', 'failed', 'cancelled'] as const) {
      const c = controlled();
      const { id, end } = ops.start({ method: 'env.up', client: 'ui' }, c.run);
      c.ctx().progress({ part: 'image:a', label: 'Loading a', done: 1, total: 10, unit: 'bytes' });
      c.ctx().progress({ part: 'image:b', label: 'Loading b', done: 1, total: 10, unit: 'bytes', finished: true });
      if (ending === 'done') c.finish({});
      else if (ending === 'failed') c.fail(new Error('boom'));
      else {
        c.ctx().signal.addEventListener('abort', () => c.fail(new WorkbenchError('cancelled', 'x')));
        ops.cancel(id);
      }
      await end;
      const mine = seen.ui!.op.filter((e) => e.op.id === id);
      expect(mine.some((e) => e.op.parts?.['image:a'] && !e.op.parts['image:b'])).toBe(true); // b closed at once
      expect(mine.at(-1)).toMatchObject({ type: ending });
      expect(mine.at(-1)!.op.parts).toBeUndefined();
    }
  });

  it('progress is throttled, and the last report before a pause is never lost', async () => {
    const { bus, ops, seen, connect } = setup();
    connect('ui');
    let lastArrived!: () => void;
    const last = new Promise<void>((r) => (lastArrived = r));
    bus.connect('watcher', (event, payload) => {
      if (event === 'op' && (payload as OperationEvent).op.progress?.done === 1000) lastArrived();
    });
    const c = controlled();
    const { id } = ops.start({ method: 'bundle.verify', client: 'ui' }, c.run);
    for (let i = 1; i <= 1000; i++) c.ctx().progress({ label: 'Hashing', done: i, total: 1000, unit: 'bytes' });
    expect(seen.ui!.op.filter((e) => e.op.id === id && e.type === 'progress').length).toBeLessThan(10);
    await last; // the trailing report arrives by itself
    c.finish({});
  });

  it('live data goes to the starter and to watchers only, and a watch ends when its connection closes', async () => {
    const { ops, seen, connect } = setup();
    connect('starter');
    const other = connect('other');
    const bystander = connect('bystander');
    const c = controlled();
    const { id, end } = ops.start({ method: 'replay.run', client: 'starter' }, c.run);
    c.ctx().detail({ rows: 1 });
    ops.watch(id, 'other');
    c.ctx().detail({ rows: 2 });
    other.close();
    c.ctx().detail({ rows: 3 });
    c.finish({});
    await end;
    c.ctx().detail({ rows: 4 }); // after the end: nowhere
    expect(seen.starter!.detail.map((d) => d.data)).toEqual([{ rows: 1 }, { rows: 2 }, { rows: 3 }]);
    expect(seen.other!.detail.map((d) => d.data)).toEqual([{ rows: 2 }]);
    expect(seen.bystander!.detail).toEqual([]);
    // everyone sees the operation itself
    expect(finals(seen.bystander!.op)).toHaveLength(1);
    bystander.close();
    expect(() => ops.watch(id, 'nobody')).toThrow(/event connection/);
  });

  it('shutdown cancels what runs and waits for it to end', async () => {
    const { ops } = setup();
    const order: string[] = [];
    const { end } = ops.start({ method: 'env.up', client: 'cli' }, (ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => {
          // cleanup takes a moment, and shutdown waits for it
          setImmediate(() => {
            order.push('cleaned up');
            reject(new WorkbenchError('cancelled', 'x'));
          });
        }),
      ),
    );
    await ops.shutdown();
    order.push('shutdown returned');
    expect(order).toEqual(['cleaned up', 'shutdown returned']);
    expect(await end).toEqual({ state: 'cancelled' });
  });
});
