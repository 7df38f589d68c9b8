/**
 * The desktop preload: runs sandboxed with contextIsolation, so it may only use `electron`'s
 * renderer modules. It exposes the contract as plain functions on window.workbench; no Node or
 * Electron object ever reaches the page. Bundled to CommonJS (sandboxed preloads cannot be ESM).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';

const CALL = 'workbench:call';
const EVENT = 'workbench:event';
const CHOOSE = 'workbench:chooseBundle';

contextBridge.exposeInMainWorld('workbench', {
  call: (method: string, input: unknown, options?: { opId?: string }) => ipcRenderer.invoke(CALL, method, input, options?.opId ? { opId: options.opId } : undefined),
  on: (event: string, listener: (payload: unknown) => void) => {
    const handler = (_e: unknown, msg: { event: string; payload: unknown }) => {
      if (msg.event === event) listener(msg.payload);
    };
    ipcRenderer.on(EVENT, handler);
    return () => void ipcRenderer.removeListener(EVENT, handler);
  },
  chooseBundle: () => ipcRenderer.invoke(CHOOSE) as Promise<string | null>,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
