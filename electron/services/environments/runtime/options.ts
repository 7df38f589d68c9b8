/**
 * The runtime options of an up (`--runtime`, `--replicas`, `--registry`), checked without
 * loading any engine code: the CLI checks them before it starts the work.
 */
import { WorkbenchError } from '../../../../shared/api/errors';
import type { ServiceSpec } from '../../../../shared/bundle/manifest';
import { ENV_RUNTIMES, type EnvRuntimeKind } from '../../../../shared/api/methods/environment';

export const MAX_REPLICAS = 32;

export function parseRuntimeKind(value: string): EnvRuntimeKind {
  if ((ENV_RUNTIMES as readonly string[]).includes(value)) return value as EnvRuntimeKind;
  throw new WorkbenchError('invalid_argument', `Unknown runtime "${value}": expected one of ${ENV_RUNTIMES.join(', ')}`);
}

/** `--replicas SERVICE=N` values, checked against the manifest: stateless services only, 1..32. */
export function checkReplicas(services: ServiceSpec[], replicas: Record<string, number> | undefined): void {
  for (const [name, n] of Object.entries(replicas ?? {})) {
    const svc = services.find((s) => s.name === name);
    if (!svc) throw new WorkbenchError('invalid_argument', `--replicas ${name}=${n}: the bundle has no service "${name}" (services: ${services.map((s) => s.name).join(', ')})`);
    if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) throw new WorkbenchError('invalid_argument', `--replicas ${name}=${n}: expected a whole number from 1 to ${MAX_REPLICAS}`);
    if (n > 1 && svc.volumes?.length) {
      throw new WorkbenchError('invalid_argument', `--replicas ${name}=${n}: "${name}" has volumes (state); only stateless services run more than one task`);
    }
  }
}

/** Parse `SERVICE=N` arguments (the CLI's --replicas). */
export function parseReplicas(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const m = /^([a-z0-9][a-z0-9-]{0,62})=(\d{1,3})$/.exec(v);
    if (!m) throw new WorkbenchError('invalid_argument', `--replicas "${v}": expected SERVICE=N (e.g. checkout=3)`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** A registry named by the user (HOST:PORT or HOST), never a URL or path. */
export function checkRegistry(registry: string): string {
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(registry)) throw new WorkbenchError('invalid_argument', `--registry "${registry}": expected HOST:PORT (e.g. 127.0.0.1:5000)`);
  return registry;
}

