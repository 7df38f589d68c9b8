/**
 * The one API contract between the renderer and whatever hosts it (Electron's main process through
 * the preload, or `repro serve` over HTTP + WebSocket). Each area owns its file in ./methods/ and
 * is merged here; the hosts validate every call's input with the method's zod schema.
 * Long methods are operations (define.ts `operation()`, model in operations.ts).
 */
import type { z } from '../zod';
import type { MethodDef, OperationDef } from './define';
import type { EventName, WorkbenchEvents } from './events';
import type { OperationStarted } from './operations';
import { appMethods } from './methods/app';
import { bundleMethods } from './methods/bundle';
import { runbookMethods } from './methods/runbook';
import { recordMethods } from './methods/record';
import { tracesMethods } from './methods/traces';
import { canaryMethods } from './methods/canary';
import { environmentMethods } from './methods/environment';
import { replayMethods } from './methods/replay';
import { captureMethods } from './methods/capture';
import { gamedayMethods } from './methods/gameday';
import { trafficMethods } from './methods/traffic';
import { logsMethods } from './methods/logs';
import { verdictMethods } from './methods/verdict';
import { opMethods } from './methods/op';

/** Every area's methods (areas add one line here). */
const areaMethods = {
  ...appMethods,
  ...bundleMethods,
  ...runbookMethods,
  ...recordMethods,
  ...tracesMethods,
  ...canaryMethods,
  ...environmentMethods,
  ...replayMethods,
  ...captureMethods,
  ...gamedayMethods,
  ...trafficMethods,
  ...logsMethods,
  ...verdictMethods,
} as const satisfies Record<string, MethodDef>;
type AreaMethods = typeof areaMethods;

export const methods = { ...areaMethods, ...opMethods } as const satisfies Record<string, MethodDef>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (before zod defaults are applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (after validation). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
/** What the work produces: a plain method's reply, an operation's result (its final event). */
export type MethodOutput<M extends MethodName> = Methods[M] extends MethodDef<z.ZodType, infer O> ? O : never;

/** The long methods: calling one starts an operation (see operations.ts). */
export type OperationName = { [M in keyof AreaMethods]: AreaMethods[M] extends { readonly operation: true } ? M : never }[keyof AreaMethods];
/** An operation's result (kept apart from MethodOutput so op.* types do not refer to themselves). */
export type OperationOutput<M extends OperationName> = AreaMethods[M] extends MethodDef<z.ZodType, infer O> ? O : never;
/** The type of an operation's live data (`opDetail` events); never when it has none. */
export type OperationDetail<M extends OperationName> = AreaMethods[M] extends OperationDef<z.ZodType, unknown, infer D> ? D : never;
/** What `call` replies: the output of a plain method, `{ op }` for an operation (it has started). */
export type CallOutput<M extends MethodName> = M extends OperationName ? OperationStarted<M> : MethodOutput<M>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isOperationName(name: string): name is OperationName {
  return isMethodName(name) && (methods[name] as MethodDef).operation === true;
}

export interface CallOptions {
  /** For operations: the id to run it under (runOperation makes one, so it can listen before the call returns). */
  opId?: string;
}

/** The API the renderer sees; implemented once per host in renderer/src/api/. */
export interface WorkbenchApi {
  readonly host: 'desktop' | 'web';
  call<M extends MethodName>(method: M, input: MethodInput<M>, opts?: CallOptions): Promise<CallOutput<M>>;
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
