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
