import type Docker from 'dockerode';
import type { ServiceSpec } from '../../../shared/bundle/manifest';

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
  /** /etc/hosts entries (the fault proxy's routes: another service's name -> the session's gate). */
  extraHosts?: string[];
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

/**
 * Capabilities a service keeps; every other one of Docker's default set is dropped
 * (docs/security.md says why for each):
 *  - CHOWN, DAC_OVERRIDE, FOWNER: entrypoints that prepare their data folders as root
 *    (chown/chmod of a volume, writing files owned by the service user), as postgres, redis
 *    and most official images do;
 *  - SETUID, SETGID: dropping from root to the service user (gosu, su-exec, nginx workers);
 *  - KILL: a supervisor signalling workers that run as another user;
 *  - NET_BIND_SERVICE: listening on a port below 1024 (nginx on 80).
 * Dropped: NET_RAW (raw sockets: ARP/IP spoofing on the session network, crafting frames to
 * the host; ping needs it), MKNOD, SETFCAP, SETPCAP, FSETID, SYS_CHROOT, AUDIT_WRITE: image
 * builds, package managers and login daemons need them, services do not.
 */
export const KEPT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

/** Processes (and threads) per container when the manifest sets no `resources.pids`: stops a fork bomb, not a JVM. */
export const DEFAULT_PIDS_LIMIT = 4096;

/** What every container of a session gets: no privilege gain through setuid binaries, caps as above. */
export const HARDENED_HOST_CONFIG = {
  CapDrop: ['ALL'],
  CapAdd: KEPT_CAPABILITIES,
  SecurityOpt: ['no-new-privileges:true'],
} satisfies Docker.HostConfig;

export function pidsLimit(service: ServiceSpec): number {
  return service.resources?.pids ?? DEFAULT_PIDS_LIMIT;
}

export function memoryBytes(service: ServiceSpec): number {
  return service.resources?.memoryMb ? service.resources.memoryMb * MiB : 0;
}

export function nanoCpus(service: ServiceSpec): number {
  return service.resources?.cpus ? Math.round(service.resources.cpus * 1e9) : 0;
}

/**
 * The engine create request for one service: exactly the manifest's v1 fields, nothing a
 * bundle could use to reach the host (no privileged, binds, caps, devices, host network), with
 * the session's hardening (capabilities, no-new-privileges, a pids limit). Nothing is published:
 * the ingress reaches this machine through the session's gate (sandbox.ts).
 */
export function containerCreateOptions(input: ContainerPlanInput): Docker.ContainerCreateOptions {
  const { service } = input;
  const env = serviceEnv(service, input.injectedEnv, input.secrets);
  const exposed: Record<string, object> = {};
  for (const p of service.ports ?? []) exposed[portKey(p)] = {};
  const opts: Docker.ContainerCreateOptions = {
    name: input.containerName,
    Image: service.image.id,
    Hostname: service.name,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: input.labels,
    ExposedPorts: exposed,
    HostConfig: {
      ...HARDENED_HOST_CONFIG,
      NetworkMode: input.networkName,
      ...(input.extraHosts?.length ? { ExtraHosts: input.extraHosts } : {}),
      Memory: memoryBytes(service),
      NanoCpus: nanoCpus(service),
      PidsLimit: pidsLimit(service),
      Mounts: (service.volumes ?? []).map((v, i) => ({
        Type: 'volume' as const,
        Source: input.volumeNames[i]!,
        Target: v.target,
        ReadOnly: v.readOnly ?? false,
      })),
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
