/**
 * The renderer's only door to the backend. Which host we run in is decided here, once, on first
 * use: the Electron preload exposes window.workbench; otherwise we are a page served by
 * `repro serve`. Everything else in the renderer imports `api` (and `runOperation` for long
 * calls) and never asks.
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

let current: WorkbenchApi | undefined;

function host(): WorkbenchApi {
  current ??= window.workbench ? createDesktopApi(window.workbench) : createWebApi();
  return current;
}

/**
 * Use another implementation of the contract (the store tests drive the stores against the real
 * in-process API this way). Call before the first use of `api`.
 */
export function installApi(impl: WorkbenchApi): void {
  current = impl;
}

export const api: WorkbenchApi = {
  get host() {
    return host().host;
  },
  call: (method, input, opts) => host().call(method, input, opts),
  on: (event, listener) => host().on(event, listener),
  get desktop() {
    return host().desktop;
  },
};

/** Start a long call (an operation): `{ opId, result, end, cancel }` at once. See ./operations.ts. */
export const { runOperation } = createOperationRunner(api);
export type { RunningOperation, RunOperationOptions } from './operations';
