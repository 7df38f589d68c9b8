import type { MethodInput, MethodName, MethodOutput, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError, type Reply } from '../../../shared/api/errors';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';

/**
 * The contract over `repro serve`: POST /api/call/<method> and one WebSocket for events.
 * The token arrives in the URL fragment (never sent to servers or logged), is kept in
 * sessionStorage, and removed from the address bar.
 */
export function createWebApi(): WorkbenchApi {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retryMs = 500;

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onopen = () => (retryMs = 500);
    socket.onmessage = (msg) => {
      const { event, payload } = JSON.parse(String(msg.data)) as { event: EventName; payload: unknown };
      listeners.get(event)?.forEach((l) => l(payload));
    };
    socket.onclose = () => {
      // the host restarted or the network blipped: reconnect with backoff
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return {
    host: 'web',
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      if (!socket) connect();
      const res = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const reply = (await res.json()) as Reply<MethodOutput<M>>;
      if ('error' in reply) throw deserializeError(reply.error);
      return reply.result;
    },
    on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void) {
      if (!socket) connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
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
