/**
 * The renderer's only door to the backend. Which host we run in is decided here, once: the
 * Electron preload exposes window.workbench; otherwise we are a page served by `repro serve`.
 * Everything else in the renderer imports `api` and never asks.
 */
import type { WorkbenchApi } from '../../../shared/api/contract';
import { createDesktopApi, type PreloadBridge } from './desktop';
import { createWebApi } from './web';

declare global {
  interface Window {
    workbench?: PreloadBridge;
  }
}

export const api: WorkbenchApi = window.workbench ? createDesktopApi(window.workbench) : createWebApi();
