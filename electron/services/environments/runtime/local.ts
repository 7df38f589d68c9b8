/**
 * The local runtime: one container per service on a bridge network of the engine the workbench
 * talks to. What `repro up` always did; the other runtimes are measured against it.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../../shared/api/errors';
import type { ServiceSpec } from '../../../../shared/bundle/manifest';
import { throwIfCancelled } from '../../abort';
import { bundleFileStream } from '../../bundles/bundle-path';
import { containerCreateOptions } from '../container-spec';
import { proxyExtraHosts } from '../../gameday/proxy-plan';
import { computeDrift, type DriftItem } from '../drift';
import { waitUntilReady, type HealthWaitProgress } from '../health';
import { ensureImage, type ImageProgress } from '../images';
import { removeLabelled, type RemovalCounts } from '../resources';
import { gateEndpoints, healthTarget, sessionNetworkSpec } from '../sandbox';
import type { ServiceState, SessionRecord } from '../state-store';
import type { CreatedService, RuntimeRef, ServiceContext, ServiceRuntimeState, SessionRuntime } from './types';

export function containerNameFor(session: string, service: string): string {
  return `repro-${session}-${service}`;
}

export class LocalRuntime implements SessionRuntime {
  constructor(
    readonly docker: Docker,
    readonly ref: RuntimeRef,
  ) {}

  async ensureReady(): Promise<void> {
    // any engine runs containers; requireEngine already asked it
  }

  sandboxNotes(): string[] {
    return [];
  }

  async createNetwork(name: string, labels: Record<string, string>, allowEgress: boolean): Promise<Docker.NetworkInspectInfo> {
    const network = await this.docker.createNetwork(sessionNetworkSpec(name, labels, allowEgress));
    return (await network.inspect()) as Docker.NetworkInspectInfo;
  }

  prepareImage(svc: ServiceSpec, ctx: ServiceContext, onProgress: (p: ImageProgress) => void): Promise<void> {
    return ensureImage(this.docker, svc, ctx.bundleRoot, onProgress, ctx.signal).then(() => undefined);
  }

  async createService(svc: ServiceSpec, ctx: ServiceContext): Promise<CreatedService> {
    const { docker } = this;
    const labels = ctx.labels(svc.name);
    const volumeNames = await createVolumes(docker, svc, ctx);
    const containerName = containerNameFor(ctx.session, svc.name);
    // The fault proxy's names point at the gate (proxy-plan.ts): its address is fixed once it runs.
    if (ctx.record.faultProxy?.enabled) await ctx.gate;
    throwIfCancelled(ctx.signal);
    const container = await docker
      .createContainer(
        containerCreateOptions({
          service: svc,
          labels,
          containerName,
          networkName: ctx.record.network!.name,
          volumeNames,
          injectedEnv: ctx.record.injectedEnv,
          secrets: ctx.secrets,
          extraHosts: proxyExtraHosts(ctx.record.faultProxy, svc.name),
        }),
      )
      .catch((err: Error & { statusCode?: number }) => {
        throw new WorkbenchError(err.statusCode === 409 ? 'conflict' : 'internal', `Creating the container ${containerName} of service "${svc.name}" failed: ${err.message}`, { service: svc.name });
      });
    // Snapshots go into the volumes through the (not yet started) service container itself, so
    // no helper image is needed and the data is in place before the service first looks. A
    // read-only mount cannot be written that way: those go through a never-started twin.
    await fillSnapshots(docker, svc, volumeNames, ctx, container);
    const state: ServiceState = { name: svc.name, containerId: container.id, containerName, imageId: svc.image.id, endpoints: [] };
    return {
      state,
      start: async () => {
        const task = `up:${ctx.session}:start:${svc.name}`;
        ctx.progress({ task, label: `Starting ${svc.name}`, done: 0, total: 1 });
        await container.start();
        const info = await container.inspect();
        await waitUntilReady(docker, container.id, svc, healthTarget(info, ctx.record, svc.name), healthProgress(ctx, task, svc.name), ctx.signal);
        return endpointsOf(svc, info, ctx.record);
      },
    };
  }

  async inspectService(state: ServiceState): Promise<ServiceRuntimeState> {
    if (!state.containerId) return { status: 'unknown', running: false };
    const info = await this.docker.getContainer(state.containerId).inspect();
    return { status: info.State.Status, running: info.State.Running, containerId: state.containerId, ...(info.State.Running ? {} : { exitCode: info.State.ExitCode }) };
  }

  async serviceDrift(svc: ServiceSpec, state: ServiceState, expectedEnv: Record<string, string>, secretNames: Set<string>): Promise<DriftItem[]> {
    if (!state.containerId) return [];
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(state.containerId).inspect();
    } catch (err) {
      return [{ service: svc.name, field: 'container', expected: state.containerId, actual: `missing (${(err as Error).message})` }];
    }
    const image = await this.docker.getImage(info.Image).inspect();
    return computeDrift(svc, expectedEnv, secretNames, info, image.Config as unknown as Parameters<typeof computeDrift>[4]);
  }

  async serviceContainers(state: ServiceState): Promise<string[]> {
    return state.containerId ? [state.containerId] : [];
  }

  removeSession(labelFilter: string[]): Promise<RemovalCounts> {
    return removeLabelled(this.docker, labelFilter);
  }
}

/** The session's named volumes of one service, labelled like the rest (recorded as they are made). */
export async function createVolumes(docker: Docker, svc: ServiceSpec, ctx: ServiceContext): Promise<string[]> {
  const names: string[] = [];
  for (const [i] of (svc.volumes ?? []).entries()) {
    throwIfCancelled(ctx.signal);
    const volName = `repro-${ctx.session}-${svc.name}-${i}`;
    await docker.createVolume({ Name: volName, Labels: ctx.labels(svc.name) });
    names.push(volName);
    ctx.record.volumes.push(volName);
  }
  return names;
}

/**
 * Fill the service's volumes from their snapshots through the archive API (no shared filesystem
 * with the engine needed): through `container` when given (a created, never-started service
 * container) unless the mount is read-only, else through a never-started twin (same image) that
 * mounts the volume writable.
 */
export async function fillSnapshots(docker: Docker, svc: ServiceSpec, volumeNames: string[], ctx: ServiceContext, container?: Docker.Container): Promise<void> {
  for (const [i, vol] of (svc.volumes ?? []).entries()) {
    if (!vol.snapshot) continue;
    throwIfCancelled(ctx.signal);
    const task = `up:${ctx.session}:snapshot:${svc.name}:${i}`;
    ctx.progress({ task, label: `Filling ${vol.target} of ${svc.name} from ${vol.snapshot}`, done: 0, total: 1 });
    const tarStream = async () => (await bundleFileStream(ctx.bundleRoot, vol.snapshot!)).stream;
    if (container && !vol.readOnly) {
      await container.putArchive(await tarStream(), { path: vol.target });
    } else {
      const filler = await docker.createContainer({
        Image: svc.image.id,
        Labels: ctx.labels(svc.name),
        Entrypoint: ['/nonexistent-never-started'],
        NetworkDisabled: true,
        HostConfig: { Mounts: [{ Type: 'volume', Source: volumeNames[i]!, Target: vol.target, ReadOnly: false }], NetworkMode: 'none' },
      });
      try {
        await filler.putArchive(await tarStream(), { path: vol.target });
      } finally {
        await filler.remove({ force: true });
      }
    }
    ctx.progress({ task, label: `Filled ${vol.target} of ${svc.name}`, done: 1, total: 1, finished: true });
  }
}

export function healthProgress(ctx: ServiceContext, task: string, service: string) {
  return (p: HealthWaitProgress) =>
    ctx.progress({
      task,
      label: p.phase === 'healthy' ? `${service} is ready` : `Waiting for ${service} to be healthy (${Math.round(p.elapsedMs / 1000)}s${p.lastError ? `, ${p.lastError}` : ''})`,
      done: p.phase === 'healthy' ? 1 : 0,
      total: 1,
      ...(p.phase === 'healthy' ? { finished: true } : {}),
    });
}

/** A service's endpoints: its ingress through the session's gate (sessions from before the gate: what the container published). */
export function endpointsOf(svc: ServiceSpec, info: Docker.ContainerInspectInfo, record: SessionRecord): Array<{ container: number; url: string }> {
  if (record.sandbox?.gate) return gateEndpoints(record.sandbox, svc);
  const out: Array<{ container: number; url: string }> = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const [port, proto] = key.split('/');
    const b = (bindings ?? []).find((x: { HostIp: string }) => x.HostIp === '127.0.0.1') ?? (bindings ?? [])[0];
    if (!b || proto !== 'tcp') continue;
    out.push({ container: Number(port), url: `http://127.0.0.1:${b.HostPort}` });
  }
  return out;
}
