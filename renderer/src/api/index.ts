/**
 * The renderer's only door to the backend. Which host we run in is decided here, once: the
 * Electron preload exposes window.workbench; otherwise we are a page served by `repro serve`.
 * Everything else in the renderer imports `api` (and `runOperation` for long calls) and never asks.
 */
import type { WorkbenchApi } from '../../../shared/api/contract';
import { createDesktopApi, type PreloadBridge } from './desktop';
import { createOperationRunner } from './operations';
import { createWebApi } from './web';

declare global {
  interface Window {
    workbench?: PreloadBridge;
  }
}

export const api: WorkbenchApi = window.workbench ? createDesktopApi(window.workbench) : createWebApi();

/** Start a long call (an operation): `{ opId, result, end, cancel }` at once. See ./operations.ts. */
export const { runOperation } = createOperationRunner(api);
export type { RunningOperation, RunOperationOptions } from './operations';
