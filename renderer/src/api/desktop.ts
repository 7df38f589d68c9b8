import type { CallOptions, CallOutput, MethodInput, MethodName, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError, type Reply } from '../../../shared/api/errors';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';

/** What electron/hosts/desktop/preload.ts puts on window.workbench (plain functions only). */
export interface PreloadBridge {
  call(method: string, input: unknown, options?: { opId?: string }): Promise<Reply<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  chooseBundle(): Promise<string | null>;
  pathForFile(file: File): string;
}

/** IPC to the main process never drops, so this adapter never emits `connection`. */
export function createDesktopApi(bridge: PreloadBridge): WorkbenchApi {
  return {
    host: 'desktop',
    async call<M extends MethodName>(method: M, input: MethodInput<M>, opts?: CallOptions): Promise<CallOutput<M>> {
      const reply = (await bridge.call(method, input ?? {}, opts?.opId ? { opId: opts.opId } : undefined)) as Reply<CallOutput<M>>;
      if ('error' in reply) throw deserializeError(reply.error);
      return reply.result;
    },
    on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void) {
      return bridge.on(event, listener as (p: unknown) => void);
    },
    desktop: {
      chooseBundle: () => bridge.chooseBundle(),
      pathForFile: (file) => bridge.pathForFile(file as File),
    },
  };
}
