/**
 * Every method of the contract has exactly one handler; the types below make a missing one a
 * compile error. Each area's handlers load when one of its methods is first called, so a CLI
 * command that runs one operation loads that area, not every area's services. Areas add their
 * map here with one line: the methods' prefix and how to load the map.
 */
import type { MethodName } from '../../../shared/api/contract';
import { WorkbenchError } from '../../../shared/api/errors';
import type { Handler, HandlerMap } from './types';
import { timed } from '../../services/timing';

const areas = {
  app: async () => (await import('./app')).appHandlers,
  bundle: async () => (await import('./bundle')).bundleHandlers,
  runbook: async () => (await import('./runbook')).runbookHandlers,
  record: async () => (await import('./record')).recordHandlers,
  traces: async () => (await import('./traces')).tracesHandlers,
  canary: async () => (await import('./canary')).canaryHandlers,
  env: async () => (await import('./environment')).environmentHandlers,
  replay: async () => (await import('./replay')).replayHandlers,
  capture: async () => (await import('./capture')).captureHandlers,
  gameday: async () => (await import('./gameday')).gamedayHandlers,
  traffic: async () => (await import('./traffic')).trafficHandlers,
  logs: async () => (await import('./logs')).logsHandlers,
  verdict: async () => (await import('./verdict')).verdictHandlers,
  op: async () => (await import('./op')).opHandlers,
};

type AreaMaps = { [K in keyof typeof areas]: Awaited<ReturnType<(typeof areas)[K]>> };
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Compile-time check: together the areas handle every method of the contract. */
export const everyMethodHandled = (all: Intersection<AreaMaps[keyof AreaMaps]>): HandlerMap<MethodName> => all;

/** The handler of `method`, its area loaded on first use. */
export async function handlerFor<M extends MethodName>(method: M): Promise<Handler<M>> {
  const area = method.slice(0, method.indexOf('.')) as keyof typeof areas;
  const load = areas[area] as (() => Promise<unknown>) | undefined;
  const map = (await timed(`load the ${area} handlers`, () => load?.())) as Partial<HandlerMap<MethodName>> | undefined;
  const handler = map?.[method];
  if (!handler) throw new WorkbenchError('internal', `No handler for API method "${method}"`);
  return handler as unknown as Handler<M>;
}
