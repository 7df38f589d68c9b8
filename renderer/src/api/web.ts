import type { CallOptions, CallOutput, MethodInput, MethodName, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError, type Reply } from '../../../shared/api/errors';
import type { EventName, OperationEvent, WorkbenchEvents } from '../../../shared/api/events';
import type { OperationEnd } from '../../../shared/api/operations';

interface Hello {
  client: string;
  instance: string;
  seq: number;
}

/** How long a call waits for the event socket before going ahead without it. */
const SOCKET_WAIT_MS = 3000;

/**
 * The contract over `repro serve`: POST /api/call/<method> and one WebSocket for events.
 * The token arrives in the URL fragment (never sent to servers or logged), is kept in
 * sessionStorage, and removed from the address bar.
 *
 * The page is one client (a random id on its socket and its calls), so the scoped events of its
 * subscriptions come to it alone. When the socket drops it reconnects with backoff and catches
 * up: the operations that changed meanwhile (op.list since the last sequence number seen) are
 * replayed to listeners as `op` events (an ended one with its result, from op.get), then
 * `connection` {state: 'open', reconnected: true} tells subscribers to subscribe again.
 */
export function createWebApi(): WorkbenchApi & { close(): void } {
  const token = takeToken();
  const client = randomId();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retryMs = 500;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let lastSeq = 0;
  let instance: string | undefined;
  let everOpen = false;
  let dropped = false;
  let markOpen: () => void = () => {};
  let opened = new Promise<void>((r) => (markOpen = r));

  const deliver = <E extends EventName>(event: E, payload: WorkbenchEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));

  const post = async <M extends MethodName>(method: M, input: unknown, opts?: CallOptions): Promise<CallOutput<M>> => {
    const res = await fetch(`/api/call/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-repro-client': client,
        ...(opts?.opId ? { 'x-repro-op': opts.opId } : {}),
      },
      body: JSON.stringify(input ?? {}),
    });
    const reply = (await res.json()) as Reply<CallOutput<M>>;
    if ('error' in reply) throw deserializeError(reply.error);
    return reply.result;
  };

  /** What happened while the socket was down, delivered as the events that were missed. */
  const catchUp = async (restarted: boolean) => {
    if (restarted) return; // a new backend: none of the operations we knew exist there
    const list = await post('op.list', { since: lastSeq });
    for (const op of list.ops) {
      if (op.state === 'running') {
        deliver('op', { type: 'progress', method: op.method, op } as OperationEvent);
        continue;
      }
      const snap = await post('op.get', { id: op.id }).catch(() => undefined);
      const end = snap?.end as OperationEnd | undefined;
      if (!snap || !end) continue;
      deliver('op', { type: end.state, method: snap.method, op: snap, ...('result' in end ? { result: end.result } : {}), ...('error' in end ? { error: end.error } : {}) } as OperationEvent);
    }
    lastSeq = Math.max(lastSeq, list.seq);
  };

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/events?token=${encodeURIComponent(token)}&client=${client}`);
    socket = ws;
    ws.onerror = () => undefined; // onclose follows and reconnects
    ws.onmessage = (msg) => {
      const data = JSON.parse(String(msg.data)) as { hello?: Hello; event?: EventName; payload?: unknown };
      if (data.hello) {
        retryMs = 500;
        const restarted = instance !== undefined && instance !== data.hello.instance;
        const reconnected = dropped;
        instance = data.hello.instance;
        if (!everOpen || restarted) lastSeq = data.hello.seq;
        everOpen = true;
        dropped = false;
        markOpen();
        void (reconnected ? catchUp(restarted).catch(() => undefined) : Promise.resolve()).then(() => {
          if (reconnected && !restarted) lastSeq = Math.max(lastSeq, data.hello!.seq);
          deliver('connection', { state: 'open', ...(reconnected ? { reconnected: true } : {}), ...(restarted ? { backendRestarted: true } : {}) });
        });
        return;
      }
      if (!data.event) return;
      if (data.event === 'op') lastSeq = Math.max(lastSeq, (data.payload as OperationEvent).op.seq);
      deliver(data.event, data.payload as never);
    };
    ws.onclose = () => {
      if (socket !== ws || closed) return;
      if (everOpen && !dropped) {
        dropped = true;
        opened = new Promise<void>((r) => (markOpen = r));
        deliver('connection', { state: 'closed' });
      }
      // the host restarted or the network blipped: reconnect with backoff
      retry = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  const ensureSocket = () => {
    if (!socket && !closed) connect();
  };

  return {
    host: 'web',
    async call<M extends MethodName>(method: M, input: MethodInput<M>, opts?: CallOptions): Promise<CallOutput<M>> {
      ensureSocket();
      // Events of what this call starts or subscribes to come on the socket: have it open first.
      await Promise.race([opened, new Promise((r) => setTimeout(r, SOCKET_WAIT_MS))]);
      return post(method, input, opts);
    },
    on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void) {
      ensureSocket();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    /** Close the event socket for good (a page never needs this; tests do). */
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function takeToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m?.[1]) {
    sessionStorage.setItem('repro.token', decodeURIComponent(m[1]));
    // keep other fragment parameters (e.g. open=sample) for the app, drop the token from the address bar
    const rest = location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&/, '#');
    history.replaceState(null, '', location.pathname + location.search + (rest === '#' ? '' : rest));
  }
  return sessionStorage.getItem('repro.token') ?? '';
}
