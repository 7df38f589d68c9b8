import type Docker from 'dockerode';
import { ingressPort, type ServiceSpec } from '../../../shared/bundle/manifest';

const MiB = 1024 * 1024;

export interface ContainerPlanInput {
  service: ServiceSpec;
  labels: Record<string, string>;
  containerName: string;
  networkName: string;
  /** Volume name for each entry of service.volumes, same order. */
  volumeNames: string[];
  /** Environment the workbench adds (OTLP endpoint, resource attributes, feature flags). */
  injectedEnv: Record<string, string>;
  /** Secret values by name; only ever placed in the container's env. */
  secrets: Map<string, string>;
  extraHosts: string[];
  /** Container ports published on loopback besides the ingress (the fault proxy's upstreams on Docker Desktop). */
  alsoPublish?: number[];
}

/** manifest env, then what the workbench injects, then secrets (names as in the manifest). */
export function serviceEnv(service: ServiceSpec, injectedEnv: Record<string, string>, secrets: Map<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...(service.env ?? {}), ...injectedEnv };
  for (const s of service.secrets ?? []) {
    const v = secrets.get(s.name);
    if (v !== undefined) env[s.name] = v;
  }
  return env;
}

export function portKey(port: { container: number; protocol?: string | undefined }): string {
  return `${port.container}/${port.protocol ?? 'tcp'}`;
}

/** Only the ingress port is published (and `alsoPublish`), on loopback, with a port the engine picks as free. */
export function publishedPorts(service: ServiceSpec, alsoPublish: readonly number[] = []): string[] {
  const ingress = ingressPort(service);
  const keys = new Set<string>();
  if (ingress !== undefined) {
    const spec = (service.ports ?? []).find((p) => p.container === ingress);
    keys.add(portKey({ container: ingress, protocol: spec?.protocol }));
  }
  for (const port of alsoPublish) keys.add(portKey({ container: port }));
  return [...keys];
}

export function memoryBytes(service: ServiceSpec): number {
  return service.resources?.memoryMb ? service.resources.memoryMb * MiB : 0;
}

export function nanoCpus(service: ServiceSpec): number {
  return service.resources?.cpus ? Math.round(service.resources.cpus * 1e9) : 0;
}

/**
 * The engine create request for one service: exactly the manifest's v1 fields, nothing a
 * bundle could use to reach the host (no privileged, binds, caps, devices, host network).
 */
export function containerCreateOptions(input: ContainerPlanInput): Docker.ContainerCreateOptions {
  const { service } = input;
  const env = serviceEnv(service, input.injectedEnv, input.secrets);
  const exposed: Record<string, object> = {};
  for (const p of service.ports ?? []) exposed[portKey(p)] = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const key of publishedPorts(service, input.alsoPublish)) portBindings[key] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  const opts: Docker.ContainerCreateOptions = {
    name: input.containerName,
    Image: service.image.id,
    Hostname: service.name,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: input.labels,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: input.networkName,
      PortBindings: portBindings,
      Memory: memoryBytes(service),
      NanoCpus: nanoCpus(service),
      Mounts: (service.volumes ?? []).map((v, i) => ({
        Type: 'volume' as const,
        Source: input.volumeNames[i]!,
        Target: v.target,
        ReadOnly: v.readOnly ?? false,
      })),
      ExtraHosts: input.extraHosts,
      RestartPolicy: { Name: '' },
      LogConfig: { Type: 'json-file', Config: {} },
    },
    NetworkingConfig: {
      EndpointsConfig: { [input.networkName]: { Aliases: [service.name] } },
    },
  };
  if (service.entrypoint) opts.Entrypoint = service.entrypoint;
  if (service.command) opts.Cmd = service.command;
  if (service.workingDir) opts.WorkingDir = service.workingDir;
  return opts;
}
