import type { MethodName, MethodOutput, MethodParsedInput, OperationDetail, OperationName } from '../../../shared/api/contract';
import type { BroadcastEventName, WorkbenchEvents } from '../../../shared/api/events';
import type { ProgressUpdate } from '../../services/operations';
import type { Workbench } from '../../services/workbench';

/** What a handler knows about the call beyond its validated input. */
export interface CallContext {
  readonly wb: Workbench;
  /** The calling client (`desktop:<webContents id>`, `web:<id>`, `cli`): scoped subscriptions belong to its connection. */
  readonly client: string;
  /** Aborted when the call is cancelled: op.cancel for an operation, the request going away for a plain call. */
  readonly signal: AbortSignal;
  /** Broadcast a global state change to every connection. */
  emit<E extends BroadcastEventName>(event: E, payload: WorkbenchEvents[E]): void;
}

/** What an operation's handler gets on top: its id, typed progress and live data. */
export interface OperationContext<M extends OperationName = OperationName> extends CallContext {
  readonly op: string;
  /** The overall bar, or a part's (`part`, closed with `finished`); every bar closes when the operation ends. */
  progress(p: ProgressUpdate): void;
  /** Live data to the connections that started or watch the operation. */
  detail(data: OperationDetail<M>): void;
  /** Resolves when every watcher's transport has room for more. */
  drained(): Promise<void>;
}

export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: M extends OperationName ? OperationContext<M> : CallContext,
) => Promise<MethodOutput<M>>;

/** A domain's handlers: exactly the methods of its `methods/<domain>.ts` map. */
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
