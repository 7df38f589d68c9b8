import { WorkbenchError } from '../../../shared/api/errors';
import type { ServiceSpec } from '../../../shared/bundle/manifest';

/**
 * Services in an order where every service comes after what it dependsOn (Kahn's algorithm,
 * ties kept in manifest order so the order is stable). Unknown names and cycles are errors.
 */
export function startOrder(services: ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const s of services) {
    for (const d of s.dependsOn ?? []) {
      if (!byName.has(d)) throw new WorkbenchError('bundle_invalid', `Service "${s.name}" dependsOn "${d}", which is not a service of the bundle`);
    }
  }
  const done = new Set<string>();
  const out: ServiceSpec[] = [];
  while (out.length < services.length) {
    const next = services.find((s) => !done.has(s.name) && (s.dependsOn ?? []).every((d) => done.has(d)));
    if (!next) {
      const stuck = services.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new WorkbenchError('bundle_invalid', `Services have a dependsOn cycle: ${stuck.join(', ')}`);
    }
    done.add(next.name);
    out.push(next);
  }
  return out;
}

/** At most `n` calls of the returned function's argument run at once; the rest wait their turn. */
export function concurrencyLimit(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Start every service as soon as everything it dependsOn has started (each level of the
 * dependency graph side by side, not one service after another), at most `limit` at a time.
 * Returns one promise per service, in the order given (which must be a start order): a service
 * whose dependency failed fails too, without starting.
 */
export function startByDependencies<T>(services: ServiceSpec[], limit: number, start: (svc: ServiceSpec, index: number) => Promise<T>): Promise<T>[] {
  const run = concurrencyLimit(limit);
  const started = new Map<string, Promise<T>>();
  return services.map((svc, i) => {
    const after = (svc.dependsOn ?? []).map((d) => started.get(d)!);
    const p = Promise.all(after).then(() => run(() => start(svc, i)));
    started.set(svc.name, p);
    return p;
  });
}
