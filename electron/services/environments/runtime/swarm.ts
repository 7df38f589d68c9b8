/**
 * The swarm runtime (docs/runtimes.md): each bundle service becomes a swarm service of a swarm
 * manager, on an attachable overlay network per session where the service names are aliases.
 *
 *  - one task per service; `--replicas SERVICE=N` for stateless services (no volumes);
 *  - a service with volumes is pinned to the manager node the workbench talks to, where its
 *    volumes were created and filled from snapshots (through the archive API);
 *  - images: by id from the node's own store, or pushed by id to a registry the user names and
 *    deployed pinned by digest (the node pulls them as any other node would);
 *  - the sandbox: the overlay network is `internal` unless egress is allowed, and the session's
 *    gate (a plain container on the manager, as on the local runtime) joins it, so the agent's
 *    ports and the loopback ingress work as on the local runtime. The routing mesh is not used:
 *    a service publishing a port joins the ingress network and docker_gwbridge, a way out.
 *  - health: the tasks must be running, then the manifest's healthcheck must pass.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../../shared/api/errors';
import type { ServiceSpec } from '../../../../shared/bundle/manifest';
import { sleepUnlessAborted, throwIfCancelled } from '../../abort';
import { KEPT_CAPABILITIES, memoryBytes, nanoCpus, pidsLimit, serviceEnv } from '../container-spec';
import { lastLogLines } from '../docker-streams';
import { computeDrift, type DriftItem } from '../drift';
import { waitUntilReady } from '../health';
import { drainJsonMessages, ensureImage, type ImageProgress } from '../images';
import { removeLabelled, type RemovalCounts } from '../resources';
import { gateEndpoints, healthTarget } from '../sandbox';
import type { ServiceState, SessionRecord } from '../state-store';
import { containerNameFor, createVolumes, fillSnapshots, healthProgress } from './local';
import { proxyExtraHosts } from '../../gameday/proxy-plan';
import type { CreatedService, RuntimeRef, ServiceContext, ServiceRuntimeState, SessionRuntime } from './types';
import { checkRegistry, checkReplicas } from './options';

/** Task states after which a task never runs again. */
const FINAL_TASK_STATES = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);
/** How often the up looks at a service's tasks while they start (the docker CLI polls the same way). */
const TASK_POLL_MS = 250;
/** How long tasks may take to reach running (image pulls on a node included). */
const TASK_START_TIMEOUT_MS = 120_000;

interface SwarmTask {
  ID: string;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

function registryBase(registry: string): string {
  // The engine talks plain HTTP only to registries on loopback (or ones it was told are insecure).
  const host = registry.replace(/:\d+$/, '');
  return `${host === 'localhost' || host.startsWith('127.') ? 'http' : 'https'}://${registry}`;
}

export class SwarmRuntime implements SessionRuntime {
  /** Image reference each service is deployed from (its id, or the pushed repo@digest). */
  private readonly images = new Map<string, string>();

  constructor(
    readonly docker: Docker,
    readonly ref: RuntimeRef,
  ) {}

  /** The engine must be a swarm manager; the node it runs on holds the stateful services. */
  async ensureReady(services: ServiceSpec[]): Promise<void> {
    checkReplicas(services, this.ref.replicas);
    if (this.ref.registry) checkRegistry(this.ref.registry);
    const info = (await this.docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string } };
    if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable || !info.Swarm.NodeID) {
      throw new WorkbenchError(
        'unavailable',
        `The engine at ${this.ref.endpoint} is not a swarm manager (swarm state: ${info.Swarm?.LocalNodeState ?? 'unknown'}); run \`docker swarm init\` there, or point DOCKER_HOST at a manager, or use --runtime local`,
      );
    }
    this.ref.nodeId = info.Swarm.NodeID;
  }

  sandboxNotes(): string[] {
    return [
      "swarm services cannot be given no-new-privileges through this engine's service API (the capabilities, pids and memory limits do apply); set no-new-privileges in the daemon's configuration to close it",
    ];
  }

  async createNetwork(name: string, labels: Record<string, string>, allowEgress: boolean): Promise<Docker.NetworkInspectInfo> {
    const network = await this.docker.createNetwork({
      Name: name,
      Driver: 'overlay',
      Attachable: true,
      CheckDuplicate: true,
      Labels: labels,
      ...(allowEgress ? {} : { Internal: true }),
    });
    return (await network.inspect()) as Docker.NetworkInspectInfo;
  }

  async prepareImage(svc: ServiceSpec, ctx: ServiceContext, onProgress: (p: ImageProgress) => void): Promise<void> {
    await ensureImage(this.docker, svc, ctx.bundleRoot, onProgress, ctx.signal);
    if (!this.ref.registry) {
      this.images.set(svc.name, svc.image.id);
      return;
    }
    throwIfCancelled(ctx.signal);
    const pinned = await pushById(this.docker, svc.image.id, this.ref.registry, `repro-${ctx.session}/${svc.name}`);
    (this.ref.pushed ??= []).push(pinned);
    this.images.set(svc.name, pinned);
  }

  async createService(svc: ServiceSpec, ctx: ServiceContext): Promise<CreatedService> {
    const { docker } = this;
    const labels = ctx.labels(svc.name);
    const volumeNames = await createVolumes(docker, svc, ctx);
    await fillSnapshots(docker, svc, volumeNames, ctx);
    const name = containerNameFor(ctx.session, svc.name);
    const state: ServiceState = { name: svc.name, containerName: name, imageId: svc.image.id, endpoints: [] };
    const replicas = this.ref.replicas?.[svc.name] ?? 1;
    return {
      state,
      start: async () => {
        const task = `up:${ctx.session}:start:${svc.name}`;
        ctx.progress({ task, label: `Deploying ${svc.name} (${replicas} task${replicas > 1 ? 's' : ''})`, done: 0, total: 1 });
        throwIfCancelled(ctx.signal);
        const env = serviceEnv(svc, ctx.record.injectedEnv, ctx.secrets);
        // Game days' fault proxy: other services' names resolve to the gate, as on the local runtime
        if (ctx.record.faultProxy?.enabled) await ctx.gate;
        const hosts = proxyExtraHosts(ctx.record.faultProxy, svc.name).map((h) => `${h.slice(h.lastIndexOf(':') + 1)} ${h.slice(0, h.lastIndexOf(':'))}`);
        const created = (await docker
          .createService({
            Name: name,
            Labels: labels,
            TaskTemplate: {
              ContainerSpec: {
                Image: this.images.get(svc.name) ?? svc.image.id,
                Labels: labels,
                Hostname: svc.name,
                ...(hosts.length ? { Hosts: hosts } : {}),
                Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
                ...(svc.entrypoint ? { Command: svc.entrypoint } : {}),
                ...(svc.command ? { Args: svc.command } : {}),
                ...(svc.workingDir ? { Dir: svc.workingDir } : {}),
                Mounts: (svc.volumes ?? []).map((v, i) => ({ Type: 'volume' as const, Source: volumeNames[i]!, Target: v.target, ReadOnly: v.readOnly ?? false })),
                // the session's hardening, as far as the engine's service API carries it (docs/runtimes.md)
                CapabilityDrop: ['ALL'],
                CapabilityAdd: KEPT_CAPABILITIES,
                // a stop or restart waits 5 s for the process to end, as the local runtime's (service-control.ts)
                StopGracePeriod: 5_000_000_000,
              },
              Resources: { Limits: { MemoryBytes: memoryBytes(svc), NanoCPUs: nanoCpus(svc), Pids: pidsLimit(svc) } },
              // as on the local runtime: a crash stays visible instead of being restarted away
              RestartPolicy: { Condition: 'none' },
              // as on the local runtime: logs the engine can give back (an engine's default driver may not)
              LogDriver: { Name: 'json-file', Options: {} },
              ...(svc.volumes?.length ? { Placement: { Constraints: [`node.id==${this.ref.nodeId}`] } } : {}),
              Networks: [{ Target: ctx.record.network!.id ?? ctx.record.network!.name, Aliases: [svc.name] }],
            },
            Mode: { Replicated: { Replicas: replicas } },
            // DNS round robin: a service name resolves to its tasks' addresses. The virtual IP's IPVS
            // balancer dropped connections of a busy caller here (replays of the sample lost
            // requests), and nothing is published through the routing mesh anyway.
            EndpointSpec: { Mode: 'dnsrr', Ports: [] },
          } as Docker.CreateServiceOptions)
          .catch((err: Error & { statusCode?: number }) => {
            throw new WorkbenchError(err.statusCode === 409 ? 'conflict' : 'internal', `Creating the swarm service ${name} of "${svc.name}" failed: ${err.message}`, { service: svc.name });
          })) as { id?: string; ID?: string };
        state.serviceId = created.id ?? created.ID;
        const containers = await this.waitForTasks(state.serviceId!, svc.name, replicas, ctx.signal);
        state.containerId = containers[0];
        // the manifest's healthcheck, on every task (HTTP checks go through the gate to the service's name)
        for (const containerId of containers) {
          const info = await docker.getContainer(containerId).inspect();
          await waitUntilReady(docker, containerId, svc, healthTarget(info, ctx.record, svc.name), healthProgress(ctx, task, svc.name), ctx.signal);
        }
        return gateEndpoints(ctx.record.sandbox, svc);
      },
    };
  }

  /**
   * Wait until `replicas` tasks run; a task that ends first fails the wait with its error and
   * last log lines. Tasks in `previous` (those before an update) do not count.
   */
  private async waitForTasks(serviceId: string, service: string, replicas: number, signal?: AbortSignal, previous: ReadonlySet<string> = new Set()): Promise<string[]> {
    const started = Date.now();
    for (;;) {
      throwIfCancelled(signal);
      const tasks = (await this.tasksOf(serviceId)).filter((t) => !previous.has(t.ID));
      const ended = tasks.find((t) => FINAL_TASK_STATES.has(t.Status?.State ?? ''));
      if (ended) {
        const containerId = ended.Status?.ContainerStatus?.ContainerID;
        const logs = containerId ? await lastLogLines(this.docker, containerId).catch(() => []) : [];
        const exitCode = ended.Status?.ContainerStatus?.ExitCode;
        throw new WorkbenchError(
          'internal',
          `Service "${service}" task ${ended.Status?.State}${exitCode !== undefined ? ` with exit code ${exitCode}` : ''} before it was ready${ended.Status?.Err ? ` (${ended.Status.Err})` : ''}${logs.length ? `; last log lines:\n${logs.join('\n')}` : ''}`,
          { service, exitCode: exitCode ?? null, logs },
        );
      }
      const running = tasks.filter((t) => t.Status?.State === 'running' && t.Status.ContainerStatus?.ContainerID);
      if (running.length >= replicas) return running.map((t) => t.Status!.ContainerStatus!.ContainerID!);
      if (Date.now() - started > TASK_START_TIMEOUT_MS) {
        const states = tasks.map((t) => `${t.Status?.State}${t.Status?.Err ? ` (${t.Status.Err})` : ''}`).join(', ') || 'no tasks';
        throw new WorkbenchError('timeout', `Service "${service}" had ${running.length} of ${replicas} tasks running after ${TASK_START_TIMEOUT_MS / 1000} s (tasks: ${states})`, { service });
      }
      await sleepUnlessAborted(TASK_POLL_MS, signal);
    }
  }

  async serviceContainers(state: ServiceState, which: 'running' | 'all'): Promise<string[]> {
    if (!state.serviceId) return [];
    const tasks = (await this.tasksOf(state.serviceId)).sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''));
    const chosen = which === 'running' ? tasks.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running') : tasks;
    const ids = chosen.map((t) => t.Status?.ContainerStatus?.ContainerID).filter((id): id is string => Boolean(id));
    // a task on another node has no container here (only the single-node case is tested:
    // docs/runtimes.md); a task's state lags behind its container's (a killed one reads running a moment longer)
    const here = await Promise.all(ids.map((id) => this.docker.getContainer(id).inspect().then((c) => which === 'all' || c.State.Running, () => false)));
    return ids.filter((_, i) => here[i]);
  }

  /**
   * Replace a service's tasks with new ones (a forced update, `docker service update --force`),
   * `replicas` of them (default: as the session asked), and wait until they run and pass the
   * manifest's healthcheck. What restarting a service, or bringing a killed one back, means on a
   * swarm: a task that ended never runs again (restart policy none). Returns the new containers.
   */
  async redeploy(state: ServiceState, svc: ServiceSpec | undefined, record: SessionRecord, signal?: AbortSignal): Promise<string[]> {
    if (!state.serviceId) throw new WorkbenchError('not_found', `Service "${state.name}" has no swarm service in the session record`);
    const replicas = this.ref.replicas?.[state.name] ?? 1;
    // every task from before the update: none of them counts as a new one
    const previous = new Set((await this.tasksOf(state.serviceId)).map((t) => t.ID));
    await this.updateService(state, replicas, true);
    const containers = await this.waitForTasks(state.serviceId!, state.name, replicas, signal, previous);
    if (svc) {
      for (const containerId of containers) {
        const info = await this.docker.getContainer(containerId).inspect();
        await waitUntilReady(this.docker, containerId, svc, healthTarget(info, record, svc.name), undefined, signal);
      }
    }
    state.containerId = containers[0];
    return containers;
  }

  /** Stop a service: no task runs (replicas 0; the service, its spec and volumes stay). */
  async scaleToZero(state: ServiceState, signal?: AbortSignal): Promise<void> {
    await this.updateService(state, 0, false);
    const started = Date.now();
    while ((await this.tasksOf(state.serviceId!)).some((t) => t.Status?.State === 'running' || t.DesiredState === 'running')) {
      if (Date.now() - started > TASK_START_TIMEOUT_MS) throw new WorkbenchError('timeout', `Service "${state.name}" still had running tasks ${TASK_START_TIMEOUT_MS / 1000} s after it was scaled to 0`, { service: state.name });
      await sleepUnlessAborted(TASK_POLL_MS, signal);
    }
  }

  private async updateService(state: ServiceState, replicas: number, force: boolean): Promise<void> {
    if (!state.serviceId) throw new WorkbenchError('not_found', `Service "${state.name}" has no swarm service in the session record`);
    const service = this.docker.getService(state.serviceId);
    const info = (await service.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> & { TaskTemplate: Record<string, unknown> & { ForceUpdate?: number } } };
    const spec = {
      ...info.Spec,
      Mode: { Replicated: { Replicas: replicas } },
      TaskTemplate: { ...info.Spec.TaskTemplate, ...(force ? { ForceUpdate: (info.Spec.TaskTemplate.ForceUpdate ?? 0) + 1 } : {}) },
      // every task at once, as a restart of the service: not one by one with the default 5 s watch after each
      UpdateConfig: { Parallelism: 0, Order: 'stop-first', FailureAction: 'pause', Monitor: 0 },
    };
    await service.update({ _query: { version: info.Version.Index }, _body: spec } as object).catch((err: Error) => {
      throw new WorkbenchError('internal', `Updating the swarm service ${String(info.Spec.Name)} of "${state.name}" failed: ${err.message}`, { service: state.name });
    });
  }

  private async tasksOf(serviceId: string): Promise<SwarmTask[]> {
    return (await this.docker.listTasks({ filters: JSON.stringify({ service: [serviceId] }) })) as SwarmTask[];
  }

  async inspectService(state: ServiceState): Promise<ServiceRuntimeState> {
    if (!state.serviceId) return { status: 'unknown', running: false };
    await this.docker.getService(state.serviceId).inspect(); // 404 when the service is gone: 'missing'
    const tasks = (await this.tasksOf(state.serviceId)).sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''));
    const current = tasks.filter((t) => t.DesiredState === 'running');
    const running = current.find((t) => t.Status?.State === 'running');
    const shown = running ?? current.at(-1) ?? tasks.at(-1);
    if (!shown) return { status: 'no tasks', running: false };
    const containerId = shown.Status?.ContainerStatus?.ContainerID;
    const exitCode = shown.Status?.ContainerStatus?.ExitCode;
    return {
      status: shown.Status?.State ?? 'unknown',
      running: Boolean(running),
      ...(containerId ? { containerId } : {}),
      ...(!running && exitCode !== undefined ? { exitCode } : {}),
    };
  }

  /**
   * Drift from the service spec (what the swarm will run on any node) and its tasks (how many
   * run, from which image): the spec is read as the container it makes, on top of the image's
   * defaults, and compared as on the local runtime.
   */
  async serviceDrift(svc: ServiceSpec, state: ServiceState, expectedEnv: Record<string, string>, secretNames: Set<string>): Promise<DriftItem[]> {
    if (!state.serviceId) return [];
    let service: Docker.Service;
    try {
      service = (await this.docker.getService(state.serviceId).inspect()) as Docker.Service;
    } catch (err) {
      return [{ service: svc.name, field: 'service', expected: state.serviceId, actual: `missing (${(err as Error).message})` }];
    }
    const spec = service.Spec?.TaskTemplate as { ContainerSpec?: Docker.ContainerSpec; Resources?: { Limits?: { MemoryBytes?: number; NanoCPUs?: number; Pids?: number } } } | undefined;
    const cs = spec?.ContainerSpec ?? {};
    const tasks = (await this.tasksOf(state.serviceId)).filter((t) => t.DesiredState === 'running');
    const runningTasks = tasks.filter((t) => t.Status?.State === 'running');
    // the image the tasks run (a task's container on this engine), else the one the spec names
    const taskContainer = runningTasks[0]?.Status?.ContainerStatus?.ContainerID;
    const imageId = taskContainer
      ? await this.docker.getContainer(taskContainer).inspect().then((c) => c.Image, () => undefined)
      : undefined;
    const image = await this.docker.getImage(imageId ?? cs.Image ?? svc.image.id).inspect().catch(() => undefined);
    const imageConfig = (image?.Config ?? {}) as { Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string; Env?: string[] | null };
    const env = new Map<string, string>();
    for (const e of [...(imageConfig.Env ?? []), ...(cs.Env ?? [])]) {
      const i = e.indexOf('=');
      env.set(i > 0 ? e.slice(0, i) : e, i > 0 ? e.slice(i + 1) : '');
    }
    const asContainer = {
      Image: imageId ?? image?.Id ?? cs.Image ?? '',
      Config: {
        Entrypoint: cs.Command ?? imageConfig.Entrypoint ?? null,
        Cmd: cs.Args ?? (cs.Command ? [] : (imageConfig.Cmd ?? null)),
        WorkingDir: cs.Dir ?? imageConfig.WorkingDir ?? '',
        Env: [...env].map(([k, v]) => `${k}=${v}`),
        // every port of a task is reachable on its networks: there is nothing to expose
        ExposedPorts: Object.fromEntries((svc.ports ?? []).map((p) => [`${p.container}/${p.protocol ?? 'tcp'}`, {}])),
      },
      HostConfig: { Memory: spec?.Resources?.Limits?.MemoryBytes ?? 0, NanoCpus: spec?.Resources?.Limits?.NanoCPUs ?? 0, PidsLimit: spec?.Resources?.Limits?.Pids ?? 0 },
      NetworkSettings: {
        Ports: Object.fromEntries(
          ((service.Endpoint?.Ports ?? []) as Array<{ TargetPort?: number; PublishedPort?: number; Protocol?: string }>).map((p) => [`${p.TargetPort}/${p.Protocol ?? 'tcp'}`, [{ HostIp: '0.0.0.0', HostPort: String(p.PublishedPort) }]]),
        ),
      },
    } as unknown as Docker.ContainerInspectInfo;
    const out = computeDrift(svc, expectedEnv, secretNames, asContainer, imageConfig);
    const wanted = this.ref.replicas?.[svc.name] ?? 1;
    const replicas = (service.Spec?.Mode as { Replicated?: { Replicas?: number } } | undefined)?.Replicated?.Replicas;
    if (replicas !== wanted) out.push({ service: svc.name, field: 'replicas', expected: wanted, actual: replicas ?? null });
    if (runningTasks.length !== wanted) out.push({ service: svc.name, field: 'tasks.running', expected: wanted, actual: runningTasks.length });
    const pinned = this.ref.pushed?.find((p) => p.includes(`/repro-`) && p.split('@')[0]!.endsWith(`/${svc.name}`));
    if (pinned && cs.Image !== pinned) out.push({ service: svc.name, field: 'image.ref', expected: pinned, actual: cs.Image ?? null });
    return out;
  }

  async removeSession(labelFilter: string[]): Promise<RemovalCounts> {
    const removed = await removeLabelled(this.docker, labelFilter);
    for (const ref of this.ref.pushed ?? []) await this.removePushed(ref);
    return removed;
  }

  /** A pushed image goes from the registry (when it allows deletes) and its name from the engine. */
  private async removePushed(pinned: string): Promise<void> {
    const at = pinned.indexOf('@');
    const [registry, ...path] = pinned.slice(0, at).split('/');
    const digest = pinned.slice(at + 1);
    await fetch(`${registryBase(registry!)}/v2/${path.join('/')}/manifests/${digest}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined); // a registry that keeps images (deletes disabled, unreachable) keeps them: docs/runtimes.md
    await untagUnlessLastName(this.docker, pinned);
  }
}

/**
 * Push an image by id to `registry` under `repo` and return it pinned by digest. The engine's
 * own names for it (tag and digest reference) go again at once, unless they are its only names:
 * every node, the manager included, then pulls the pinned reference from the registry, so a
 * registry that cannot serve the image fails the up here, not later on another node.
 */
export async function pushById(docker: Docker, imageId: string, registry: string, repo: string): Promise<string> {
  const name = `${registry}/${repo}`;
  const tag = imageId.replace(/^sha256:/, '').slice(0, 12);
  await docker.getImage(imageId).tag({ repo: name, tag });
  let digest: string | undefined;
  try {
    const stream = (await docker.getImage(name).push({ tag, authconfig: {} } as object)) as unknown as NodeJS.ReadableStream;
    const messages = await drainJsonMessages(stream);
    digest = messages.map((m) => (m.aux as { Digest?: string } | undefined)?.Digest).find(Boolean);
  } catch (err) {
    await untagUnlessLastName(docker, `${name}:${tag}`);
    throw new WorkbenchError('unavailable', `Pushing image ${imageId.slice(0, 19)}… to ${registry} failed: ${(err as Error).message}`, { registry, imageId });
  }
  if (!digest) {
    await untagUnlessLastName(docker, `${name}:${tag}`);
    throw new WorkbenchError('internal', `The engine pushed ${name}:${tag} to ${registry} but reported no digest`, { registry, imageId });
  }
  const pinned = `${name}@${digest}`;
  await untagUnlessLastName(docker, `${name}:${tag}`);
  await untagUnlessLastName(docker, pinned);
  return pinned;
}

/** Remove one name of an image, but never its last one (that would delete an image others may use). */
async function untagUnlessLastName(docker: Docker, ref: string): Promise<void> {
  const info = await docker.getImage(ref).inspect().catch(() => undefined);
  if (!info) return;
  const names = [...(info.RepoTags ?? []), ...(info.RepoDigests ?? [])].filter((n) => n !== ref && !n.endsWith(':<none>') && !n.startsWith('<none>'));
  if (names.length === 0) return;
  await docker.getImage(ref).remove({ noprune: true }).catch(() => undefined);
}
