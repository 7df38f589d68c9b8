/**
 * Each selected container described as a bundle service, from the engine alone (inspect of the
 * container and its image): image by id, entrypoint, command, working dir, the env the
 * deployment added to the image (secrets taken out, by name or value), ports and the ingress,
 * healthcheck, dependsOn, volumes, resources, platform, and provenance labels.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { ENV_NAME_PATTERN, SERVICE_NAME_PATTERN, type Provenance, type ServiceSpec, type VolumeSpec } from '../../../shared/bundle/manifest';
import { classifyEnv, envAddedToImage, type EnvOverrides } from '../../../shared/capture/env-secrets';
import { captureHealthcheck } from '../../../shared/capture/healthcheck';
import type { PublishedPort } from '../../../shared/capture/readdress';
import type { NotCaptured, PlannedService, PlannedVolume } from '../../../shared/capture/report';
import { COMPOSE_DEPENDS_ON, COMPOSE_NUMBER, COMPOSE_SERVICE } from './select';

export interface DescribeOptions {
  overrides?: EnvOverrides;
  /** `--ingress SERVICE[:PORT]`. */
  ingress?: { service: string; port?: number };
  /** `--no-snapshot SERVICE:/path`. */
  noSnapshot?: { service: string; target: string }[];
  signal?: AbortSignal;
}

/** Everything capture needs about one service; `secretValues` never leaves the process. */
export interface DescribedService {
  plan: PlannedService;
  /** The manifest entry without file paths (image.archive and volume snapshots are set when written). */
  spec: ServiceSpec;
  secretValues: Map<string, string>;
  published: PublishedPort[];
  /** Index in `spec.volumes` -> planned volume, for the volumes that get a snapshot. */
  snapshotVolumes: { index: number; volume: PlannedVolume }[];
  labels: Record<string, string>;
}

export interface Described {
  services: DescribedService[];
  notCaptured: NotCaptured[];
}

const MiB = 1024 * 1024;
const ANONYMOUS_VOLUME = /^[a-f0-9]{64}$/;
const SERVICE_NAME_RE = new RegExp(SERVICE_NAME_PATTERN);
const ENV_NAME_RE = new RegExp(ENV_NAME_PATTERN);

/** A bundle service name for a compose service or container name: lowercase, [a-z0-9-]. */
export function bundleServiceName(raw: string): string {
  const s = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return s || 'service';
}

function platformOf(image: Docker.ImageInspectInfo): string {
  const variant = (image as { Variant?: string }).Variant;
  return `${image.Os}/${image.Architecture}${variant ? `/${variant}` : ''}`;
}

/** Host names an env value points at: URL hosts, `host:port`, or the whole value. */
function hostsIn(value: string): string[] {
  const out = new Set<string>();
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)/gi)) out.add(m[1]!.toLowerCase());
  for (const m of value.matchAll(/(?:^|[\s,;=])([A-Za-z0-9_.-]+):\d{1,5}\b/g)) out.add(m[1]!.toLowerCase());
  if (/^[A-Za-z0-9_.-]+$/.test(value)) out.add(value.toLowerCase());
  return [...out];
}

export async function describeServices(docker: Docker, containers: Docker.ContainerInspectInfo[], opts: DescribeOptions = {}): Promise<Described> {
  const notCaptured: NotCaptured[] = [];

  // Compose scale: one container per service is captured (the lowest number).
  const byService = new Map<string, Docker.ContainerInspectInfo[]>();
  for (const c of containers) {
    const raw = c.Config.Labels?.[COMPOSE_SERVICE] ?? c.Name.replace(/^\//, '');
    byService.set(raw, [...(byService.get(raw) ?? []), c]);
  }
  const chosen: { raw: string; info: Docker.ContainerInspectInfo }[] = [];
  for (const [raw, list] of byService) {
    list.sort((a, b) => Number(a.Config.Labels?.[COMPOSE_NUMBER] ?? 0) - Number(b.Config.Labels?.[COMPOSE_NUMBER] ?? 0));
    chosen.push({ raw, info: list[0]! });
    for (const extra of list.slice(1)) {
      notCaptured.push({ what: `container ${extra.Name.replace(/^\//, '')}`, why: `service ${raw} runs ${list.length} containers; the bundle holds one per service (${list[0]!.Name.replace(/^\//, '')})` });
    }
  }

  // Names: unique, valid bundle service names.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const { raw } of chosen) {
    let name = bundleServiceName(raw);
    for (let i = 2; taken.has(name); i++) name = `${bundleServiceName(raw).slice(0, 60)}-${i}`;
    taken.add(name);
    names.set(raw, name);
  }
  if (opts.ingress && !taken.has(opts.ingress.service)) {
    throw new WorkbenchError('invalid_argument', `--ingress ${opts.ingress.service}: no such service in the selection (services: ${[...taken].join(', ')})`);
  }
  for (const n of opts.noSnapshot ?? []) {
    if (!taken.has(n.service)) throw new WorkbenchError('invalid_argument', `--no-snapshot ${n.service}:${n.target}: no such service in the selection (services: ${[...taken].join(', ')})`);
  }

  // Which network alias (or container name) belongs to which service, for dependsOn from env.
  const aliasOwner = new Map<string, string>();
  for (const { raw, info } of chosen) {
    const name = names.get(raw)!;
    for (const alias of [raw, name, info.Name.replace(/^\//, ''), ...Object.values(info.NetworkSettings?.Networks ?? {}).flatMap((n) => n.Aliases ?? [])]) {
      aliasOwner.set(alias.toLowerCase(), name);
    }
  }

  const services: DescribedService[] = [];
  for (const { raw, info } of chosen) {
    const name = names.get(raw)!;
    opts.signal?.throwIfAborted();
    const image = await docker.getImage(info.Image).inspect();
    const notes: string[] = [];
    if (name !== raw) notes.push(`named "${name}" in the bundle (was "${raw}"; service names are ${SERVICE_NAME_PATTERN})`);
    const labels = { ...(image.Config?.Labels ?? {}), ...(info.Config.Labels ?? {}) };

    // Env: what the deployment added, secrets out.
    const env: Record<string, string> = {};
    const secretValues = new Map<string, string>();
    const planEnv: PlannedService['env'] = [];
    for (const [k, v] of envAddedToImage(info.Config.Env ?? [], image.Config?.Env ?? [])) {
      if (!ENV_NAME_RE.test(k)) {
        notCaptured.push({ what: `env ${k} of ${name}`, why: `not a portable variable name (${ENV_NAME_PATTERN})` });
        continue;
      }
      const d = classifyEnv(k, v, opts.overrides);
      if (d.secret) secretValues.set(k, v);
      else env[k] = v;
      planEnv.push(d.secret ? d : { ...d, value: v });
    }

    // Ports: exposed and published; the ingress is --ingress, else the published TCP port.
    const published: PublishedPort[] = [];
    const portKeys = new Set<string>([...Object.keys(info.Config.ExposedPorts ?? {}), ...Object.keys(info.HostConfig.PortBindings ?? {})]);
    const ports: PlannedService['ports'] = [];
    for (const key of [...portKeys].sort((a, b) => parseInt(a, 10) - parseInt(b, 10))) {
      const [p, proto] = key.split('/');
      const container = Number(p);
      const protocol = proto === 'udp' ? 'udp' : 'tcp';
      const binding = (info.NetworkSettings?.Ports?.[key] ?? [])?.find((b) => b.HostPort);
      const hostPort = binding ? Number(binding.HostPort) : undefined;
      if (hostPort && protocol === 'tcp') published.push({ hostPort, service: name, containerPort: container });
      ports.push({ container, protocol, ...(hostPort ? { hostPort } : {}), ingress: false });
    }
    const wantedIngress = opts.ingress?.service === name ? (opts.ingress.port ?? ports.find((p) => p.hostPort && p.protocol === 'tcp')?.container ?? ports.find((p) => p.protocol === 'tcp')?.container) : ports.find((p) => p.hostPort && p.protocol === 'tcp')?.container;
    if (opts.ingress?.service === name && wantedIngress === undefined) throw new WorkbenchError('invalid_argument', `--ingress ${name}: the service exposes no TCP port; name one with --ingress ${name}:PORT`);
    if (wantedIngress !== undefined) {
      const found = ports.find((p) => p.container === wantedIngress && p.protocol === 'tcp');
      if (found) found.ingress = true;
      else ports.push({ container: wantedIngress, protocol: 'tcp', ingress: true });
    }
    const publishedTcp = ports.filter((p) => p.hostPort && p.protocol === 'tcp');
    if (publishedTcp.length > 1) notes.push(`publishes ${publishedTcp.length} TCP ports; ${wantedIngress} is the ingress (choose another with --ingress ${name}:PORT)`);

    // Healthcheck: the container's (compose) else the image's, when it is an HTTP check.
    const own = info.Config.Healthcheck as Parameters<typeof captureHealthcheck>[0];
    const hc = own?.Test?.length ? captureHealthcheck(own, 'container') : captureHealthcheck(image.Config?.Healthcheck as Parameters<typeof captureHealthcheck>[0], 'image');
    if (!hc.ok && hc.reason !== 'no healthcheck') notCaptured.push({ what: `healthcheck of ${name}`, why: hc.reason });

    // Volumes: named and anonymous ones get snapshots; binds and tmpfs are listed, not captured.
    const volumes: VolumeSpec[] = [];
    const planVolumes: PlannedVolume[] = [];
    const snapshotVolumes: DescribedService['snapshotVolumes'] = [];
    for (const m of [...(info.Mounts ?? [])].sort((a, b) => a.Destination.localeCompare(b.Destination))) {
      const readOnly = !m.RW;
      if (m.Type === 'volume') {
        const kind = ANONYMOUS_VOLUME.test(m.Name ?? '') ? 'anonymous' : 'named';
        const skipped = (opts.noSnapshot ?? []).some((n) => n.service === name && n.target.replace(/\/+$/, '') === m.Destination.replace(/\/+$/, ''));
        const pv: PlannedVolume = { target: m.Destination, kind, source: m.Name ?? '', readOnly, snapshot: !skipped, ...(skipped ? { reason: 'left out by --no-snapshot: starts empty' } : {}) };
        planVolumes.push(pv);
        volumes.push({ target: m.Destination, ...(readOnly ? { readOnly } : {}) });
        if (!skipped) snapshotVolumes.push({ index: volumes.length - 1, volume: pv });
      } else {
        const kind = m.Type === 'tmpfs' ? 'tmpfs' : 'bind';
        const why = kind === 'bind' ? `bind mount of host path ${m.Source}: host paths are not captured` : 'tmpfs: memory only, starts empty';
        planVolumes.push({ target: m.Destination, kind, source: m.Source ?? '', readOnly, snapshot: false, reason: why });
        notCaptured.push({ what: `${m.Destination} of ${name}`, why });
      }
    }
    for (const t of Object.keys(info.HostConfig.Tmpfs ?? {})) notCaptured.push({ what: `${t} of ${name}`, why: 'tmpfs: memory only, starts empty' });

    // dependsOn: compose's label where present, else the other services the env points at.
    const dependsOn = new Set<string>();
    const label = info.Config.Labels?.[COMPOSE_DEPENDS_ON];
    if (label) {
      for (const part of label.split(',')) {
        const dep = names.get(part.split(':')[0]!.trim());
        if (dep && dep !== name) dependsOn.add(dep);
      }
    } else {
      for (const v of [...Object.values(env), ...secretValues.values()]) {
        for (const host of hostsIn(v)) {
          const owner = aliasOwner.get(host);
          if (owner && owner !== name) dependsOn.add(owner);
        }
      }
    }

    // Resources.
    const resources: ServiceSpec['resources'] = {};
    const memory = info.HostConfig.Memory ?? 0;
    if (memory > 0) resources.memoryMb = Math.max(4, Math.floor(memory / MiB));
    const cpus = info.HostConfig.NanoCpus ? info.HostConfig.NanoCpus / 1e9 : info.HostConfig.CpuQuota && info.HostConfig.CpuPeriod ? info.HostConfig.CpuQuota / info.HostConfig.CpuPeriod : 0;
    if (cpus > 0) resources.cpus = Math.round(cpus * 1000) / 1000;

    const configuredRef = info.Config.Image;
    const ref = configuredRef && !configuredRef.startsWith('sha256:') && !/^[a-f0-9]{12,64}$/.test(configuredRef) ? configuredRef : (image.RepoTags?.[0] ?? image.Id);
    const spec: ServiceSpec = {
      name,
      image: { ref, id: image.Id, platform: platformOf(image) },
      ...(info.Config.Entrypoint ? { entrypoint: toArray(info.Config.Entrypoint) } : {}),
      ...(info.Config.Cmd ? { command: toArray(info.Config.Cmd) } : {}),
      ...(info.Config.WorkingDir ? { workingDir: info.Config.WorkingDir } : {}),
      ...(Object.keys(env).length ? { env } : {}),
      ...(secretValues.size ? { secrets: [...secretValues.keys()].map((n) => ({ name: n })) } : {}),
      ...(ports.length ? { ports: ports.map((p) => ({ container: p.container, ...(p.protocol === 'udp' ? { protocol: 'udp' as const } : {}), ...(p.ingress ? { ingress: true } : {}) })) } : {}),
      ...(hc.ok ? { healthcheck: hc.spec } : {}),
      ...(dependsOn.size ? { dependsOn: [...dependsOn].sort() } : {}),
      ...(volumes.length ? { volumes } : {}),
      ...(Object.keys(resources).length ? { resources } : {}),
    };
    services.push({
      plan: {
        name,
        container: { id: info.Id, name: info.Name.replace(/^\//, '') },
        image: { id: image.Id, ref, bytes: image.Size, platform: platformOf(image) },
        env: planEnv,
        volumes: planVolumes,
        ports,
        healthcheck: hc.ok ? hc.from : hc.reason === 'no healthcheck' ? 'none' : `none: ${hc.reason}`,
        dependsOn: spec.dependsOn ?? [],
        notes,
      },
      spec,
      secretValues,
      published,
      snapshotVolumes,
      labels,
    });
  }
  for (const s of services) if (!SERVICE_NAME_RE.test(s.spec.name)) throw new WorkbenchError('internal', `service name ${s.spec.name} is not valid`);
  return { services, notCaptured };
}

function toArray(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

/**
 * Provenance from OCI labels (the ingress service's first, then any service's) and the flags;
 * the flags win. `source` is required by the format: "unknown" when nothing says, and the
 * report says so.
 */
export function provenanceFrom(
  services: DescribedService[],
  flags: { repo?: string; commit?: string; ref?: string; buildId?: string; builtAt?: string; deployId?: string; environment?: string; featureFlags?: Record<string, string | boolean | number> },
): { provenance: Provenance; notes: NotCaptured[] } {
  const ordered = [...services].sort((a, b) => Number(Boolean(b.spec.ports?.some((p) => p.ingress))) - Number(Boolean(a.spec.ports?.some((p) => p.ingress))));
  const label = (k: string) => ordered.map((s) => s.labels[`org.opencontainers.image.${k}`]).find((v) => v && v.trim());
  const repo = flags.repo ?? label('source');
  const commit = flags.commit ?? label('revision');
  const ref = flags.ref ?? label('version');
  const created = flags.builtAt ?? label('created');
  const notes: NotCaptured[] = [];
  if (!repo) notes.push({ what: 'provenance.source.repo', why: 'no org.opencontainers.image.source label and no --repo: written as "unknown"' });
  if (!commit) notes.push({ what: 'provenance.source.commit', why: 'no org.opencontainers.image.revision label and no --commit: written as "unknown"' });
  const createdOk = created && !Number.isNaN(Date.parse(created)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(created);
  const build = { ...(flags.buildId ? { id: flags.buildId } : {}), ...(createdOk ? { finishedAt: created } : {}) };
  const deploy = { ...(flags.deployId ? { id: flags.deployId } : {}), ...(flags.environment ? { environment: flags.environment } : {}) };
  return {
    provenance: {
      source: { repo: repo ?? 'unknown', commit: commit ?? 'unknown', ...(ref ? { ref } : {}) },
      ...(Object.keys(build).length ? { build } : {}),
      ...(Object.keys(deploy).length ? { deploy } : {}),
      ...(flags.featureFlags && Object.keys(flags.featureFlags).length ? { featureFlags: flags.featureFlags } : {}),
    },
    notes,
  };
}
