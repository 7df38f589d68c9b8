import type { EventName, WorkbenchEvents } from '../../shared/api/events';

export type EventListener = <E extends EventName>(event: E, payload: WorkbenchEvents[E]) => void;

/**
 * Fan-out of contract events to every connected client (Electron windows, WebSocket clients, the
 * CLI's stderr printer). Listener failures are contained: one broken client must not stop others.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: WorkbenchEvents[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // a client that throws (closed socket, destroyed window) is its transport's problem
      }
    }
  }
}
