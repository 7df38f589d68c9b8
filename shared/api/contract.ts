/**
 * The one API contract between the renderer and whatever hosts it (Electron's main process through
 * the preload, or `repro serve` over HTTP + WebSocket). Each area owns its file in ./methods/ and
 * is merged here; the hosts validate every call's input with the method's zod schema.
 */
import type { z } from 'zod';
import type { MethodDef } from './define';
import type { EventName, WorkbenchEvents } from './events';
import { appMethods } from './methods/app';
import { bundleMethods } from './methods/bundle';
import { runbookMethods } from './methods/runbook';
import { recordMethods } from './methods/record';
import { tracesMethods } from './methods/traces';
import { canaryMethods } from './methods/canary';
import { environmentMethods } from './methods/environment';
import { replayMethods } from './methods/replay';
import { captureMethods } from './methods/capture';

export const methods = {
  ...appMethods,
  ...bundleMethods,
  ...runbookMethods,
  ...recordMethods,
  ...tracesMethods,
  ...canaryMethods,
  ...environmentMethods,
  ...replayMethods,
  ...captureMethods,
} as const satisfies Record<string, MethodDef>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (before zod defaults are applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (after validation). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = Methods[M] extends MethodDef<z.ZodType, infer O> ? O : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** The API the renderer sees; implemented once per host in renderer/src/api/. */
export interface WorkbenchApi {
  readonly host: 'desktop' | 'web';
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): () => void;
  /** Desktop-only features (Headlamp style): absent on the web host. */
  readonly desktop?: DesktopApi;
}

export interface DesktopApi {
  /** Native open dialog; resolves to the chosen path or null. */
  chooseBundle(): Promise<string | null>;
  /** Path of a file dropped on the window (Electron's webUtils.getPathForFile). */
  pathForFile(file: unknown): string; // a DOM File; typed loosely so shared/ stays DOM-free
}

export type { EventName, WorkbenchEvents };
