import type { BroadcastEventName, HostEventName, ScopedEventName, WorkbenchEvents } from '../../shared/api/events';

/** Delivers one event to one client's transport (an Electron window, a WebSocket, the CLI's printer). */
export type EventSink = <E extends HostEventName>(event: E, payload: WorkbenchEvents[E]) => void;

/**
 * One client's live connection. Scoped subscriptions (log follows, watched operations) belong to
 * a connection and end when it closes: they register their cleanup with onClose.
 */
export interface Connection {
  readonly client: string;
  readonly closed: boolean;
  send<E extends ScopedEventName>(event: E, payload: WorkbenchEvents[E]): void;
  /** Run `fn` once when the connection closes (at once when it already has); returns a remover. */
  onClose(fn: () => void): () => void;
  /** Resolves when the transport has room for more (big live data paces itself by it). */
  drained(): Promise<void>;
}

export interface OpenConnection extends Connection {
  close(): void;
}

class ClientConnection implements OpenConnection {
  closed = false;
  private readonly closers = new Set<() => void>();
  constructor(
    readonly client: string,
    private readonly sink: EventSink,
    private readonly waitDrained: () => Promise<void>,
    private readonly detach: (c: ClientConnection) => void,
  ) {}

  deliver<E extends HostEventName>(event: E, payload: WorkbenchEvents[E]): void {
    if (this.closed) return;
    try {
      this.sink(event, payload);
    } catch {
      // a client that throws (closed socket, destroyed window) is its transport's problem
    }
  }

  send<E extends ScopedEventName>(event: E, payload: WorkbenchEvents[E]): void {
    this.deliver(event, payload);
  }

  onClose(fn: () => void): () => void {
    if (this.closed) {
      fn();
      return () => {};
    }
    this.closers.add(fn);
    return () => this.closers.delete(fn);
  }

  drained(): Promise<void> {
    return this.closed ? Promise.resolve() : this.waitDrained();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach(this);
    for (const fn of [...this.closers]) {
      try {
        fn();
      } catch {
        // one subscription failing to clean up must not keep the others alive
      }
    }
    this.closers.clear();
  }
}

/**
 * Events to clients, in two scopes: broadcast() reaches every connection (global state changes,
 * operations' progress); a Connection's send() reaches that client only (its subscriptions).
 * Clients are named by id; a client that connects again replaces (and closes) its old connection.
 */
export class EventBus {
  private readonly connections = new Map<string, ClientConnection>();

  connect(client: string, sink: EventSink, opts: { drained?: () => Promise<void> } = {}): OpenConnection {
    this.connections.get(client)?.close();
    const conn = new ClientConnection(client, sink, opts.drained ?? (() => Promise.resolve()), (c) => {
      if (this.connections.get(c.client) === c) this.connections.delete(c.client);
    });
    this.connections.set(client, conn);
    return conn;
  }

  /** The client's live connection, if it has one. */
  connection(client: string): Connection | undefined {
    return this.connections.get(client);
  }

  broadcast<E extends BroadcastEventName>(event: E, payload: WorkbenchEvents[E]): void {
    for (const conn of [...this.connections.values()]) conn.deliver(event, payload);
  }

  /** Close every connection (host shutdown): their subscriptions end. */
  closeAll(): void {
    for (const conn of [...this.connections.values()]) conn.close();
  }

  get size(): number {
    return this.connections.size;
  }
}
