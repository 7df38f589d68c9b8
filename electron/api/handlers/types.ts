import type { MethodName, MethodOutput, MethodParsedInput } from '../../../shared/api/contract';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';
import type { Workbench } from '../../services/workbench';

/** What a handler knows about the call beyond its validated input. */
export interface CallContext {
  readonly wb: Workbench;
  /** Send an event to the connected clients (all of them: progress is shown wherever the app is open). */
  emit<E extends EventName>(event: E, payload: WorkbenchEvents[E]): void;
}

export type Handler<M extends MethodName> = (input: MethodParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;

/** A domain's handlers: exactly the methods of its `methods/<domain>.ts` map. */
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
