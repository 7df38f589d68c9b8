import type Docker from 'dockerode';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { memoryBytes, nanoCpus, pidsLimit, portKey } from './container-spec';

export interface DriftItem {
  service: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

interface ImageDefaults {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Env?: string[] | null;
}

const REDACTED = '<secret>';

function envMap(list: string[] | null | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const entry of list ?? []) {
    const i = entry.indexOf('=');
    if (i > 0) m.set(entry.slice(0, i), entry.slice(i + 1));
    else m.set(entry, '');
  }
  return m;
}

const arr = (v: string[] | null | undefined): string[] => v ?? [];
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compare what the engine actually runs with what the manifest captured. Where the manifest
 * leaves a field out, the image's own default is what "as captured" means, following the
 * engine's rule that an overridden entrypoint clears the image's command.
 */
export function computeDrift(
  service: ServiceSpec,
  expectedEnv: Record<string, string>,
  secretNames: Set<string>,
  container: Docker.ContainerInspectInfo,
  image: ImageDefaults,
): DriftItem[] {
  const out: DriftItem[] = [];
  const add = (field: string, expected: unknown, actual: unknown) => {
    if (!same(expected, actual)) out.push({ service: service.name, field, expected, actual });
  };
  add('image.id', service.image.id, container.Image);
  const expectedEntrypoint = service.entrypoint ?? arr(image.Entrypoint);
  add('entrypoint', expectedEntrypoint, arr(container.Config.Entrypoint as string[] | null));
  const expectedCmd = service.command ?? (service.entrypoint ? [] : arr(image.Cmd));
  add('command', expectedCmd, arr(container.Config.Cmd as string[] | null));
  add('workingDir', service.workingDir ?? image.WorkingDir ?? '', container.Config.WorkingDir ?? '');

  // env: image defaults overridden by ours; secrets compared by presence and value, shown redacted
  const want = envMap(image.Env);
  for (const [k, v] of Object.entries(expectedEnv)) want.set(k, v);
  const have = envMap(container.Config.Env);
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    const e = want.get(key);
    const a = have.get(key);
    if (e === a) continue;
    const show = (v: string | undefined) => (v === undefined ? null : secretNames.has(key) ? REDACTED : v);
    out.push({ service: service.name, field: `env.${key}`, expected: show(e), actual: show(a) });
  }

  add('resources.memoryBytes', memoryBytes(service), container.HostConfig.Memory ?? 0);
  add('resources.nanoCpus', nanoCpus(service), container.HostConfig.NanoCpus ?? 0);
  add('resources.pids', pidsLimit(service), container.HostConfig.PidsLimit ?? 0);

  const expectedExposed = (service.ports ?? []).map(portKey).sort();
  const exposedActual = Object.keys(container.Config.ExposedPorts ?? {}).sort();
  const missingExposed = expectedExposed.filter((p) => !exposedActual.includes(p));
  if (missingExposed.length) add('ports.exposed', expectedExposed, exposedActual);

  // A service publishes nothing itself: its ingress reaches this machine through the session's gate.
  const published: string[] = [];
  const bindings = container.NetworkSettings?.Ports ?? {};
  const actualPublished = Object.entries(bindings)
    .flatMap(([key, list]) => (list ?? []).map((b: { HostIp: string }) => `${key}@${b.HostIp}`))
    // the engine may list the IPv6 twin of a binding; loopback-only is what we asked for
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();
  add('ports.published', published, actualPublished);
  return out;
}
