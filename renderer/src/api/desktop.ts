import type { MethodInput, MethodName, MethodOutput, WorkbenchApi } from '../../../shared/api/contract';
import { deserializeError, type Reply } from '../../../shared/api/errors';
import type { EventName, WorkbenchEvents } from '../../../shared/api/events';

/** What electron/hosts/desktop/preload.ts puts on window.workbench (plain functions only). */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<Reply<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  chooseBundle(): Promise<string | null>;
  pathForFile(file: File): string;
}

export function createDesktopApi(bridge: PreloadBridge): WorkbenchApi {
  return {
    host: 'desktop',
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const reply = (await bridge.call(method, input ?? {})) as Reply<MethodOutput<M>>;
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
