/**
 * Every fault as a pair: prepare (read what the revert will need, before anything changes),
 * apply, and revert. Reverts are idempotent (the undo ledger may replay one that already
 * happened, after a crash): starting a running container, unpausing one that is not paused,
 * reconnecting one that is connected are all "already done", not errors.
 *
 * Container faults go straight to the engine (one API call each, the docker CLI's equivalent);
 * network and external faults go to the session agent's fault proxy and fixtures stub; packet
 * faults to netem, where the kernel has it.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { SCENARIO_DEFAULTS, type ScenarioStep } from '../../../shared/gameday/scenario';
import { redeploySwarmService } from '../environments/service-control';
import { serviceTarget } from '../environments/service-target';
import { readSessionManifest } from '../environments/session-info';
import type { SessionRecord, SessionStore } from '../environments/state-store';
import { endpointsOf } from '../environments/up';
import type { AgentControlClient } from './agent-control';
import type { AgentFault } from './fault-board';
import { applyNetem, revertNetem } from './netem';

export type Undo =
  /** kill, stop, restart: the container runs again */
  | { kind: 'start'; service: string; containerId: string }
  | { kind: 'unpause'; service: string; containerId: string }
  /** cpu, memory: the limits as they were */
  | { kind: 'limits'; service: string; containerId: string; nanoCpus?: number; memory?: number; memorySwap?: number }
  | { kind: 'reconnect'; service: string; containerId: string; network: string; aliases: string[] }
  | { kind: 'agent'; faultId: string }
  | { kind: 'netem'; service: string; containerId: string }
  /** swarm: kill, stop, restart: the service runs its tasks again (new ones: an ended task never runs again) */
  | { kind: 'redeploy'; service: string; containerId: string };

export interface FaultContext {
  docker: Docker;
  session: string;
  record: SessionRecord;
  store: SessionStore;
  /** The run's open control connection to the session agent (network and external faults). */
  agent?: AgentControlClient;
}

export interface PreparedFault {
  faultId: string;
  undo: Undo;
  apply(): Promise<void>;
}

/** Engine errors that mean "already in the state a revert wants". */
function alreadyDone(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: string };
  if (e.statusCode === 304) return true; // start of a running / stop of a stopped container
  return /is not paused|already exists in network|is already connected|not connected to (the )?network/i.test(e.message ?? '');
}

export function containerOf(record: SessionRecord, service: string): string {
  const id = record.services.find((s) => s.name === service)?.containerId;
  if (!id) throw new WorkbenchError('not_found', `session "${record.name}" has no container for service "${service}"`);
  return id;
}

/** Read what the revert needs, then return the apply. Nothing changes until apply() is called. */
export async function prepareFault(step: ScenarioStep, faultId: string, ctx: FaultContext): Promise<PreparedFault> {
  const { docker } = ctx;
  if (step.fault === 'http-error' || step.fault === 'delay') {
    const agent = requireAgent(ctx);
    const fault: AgentFault =
      step.fault === 'http-error'
        ? { kind: 'external', host: step.target, fault: { kind: 'http-error', status: step.params?.status ?? SCENARIO_DEFAULTS.httpErrorStatus, ...(step.params?.toxicity !== undefined ? { toxicity: step.params.toxicity } : {}) } }
        : { kind: 'external', host: step.target, fault: { kind: 'delay', delayMs: step.params.delayMs, ...(step.params.jitterMs ? { jitterMs: step.params.jitterMs } : {}), ...(step.params.toxicity !== undefined ? { toxicity: step.params.toxicity } : {}) } };
    return { faultId, undo: { kind: 'agent', faultId }, apply: () => agent.apply(faultId, fault) };
  }
  if (step.fault === 'latency' || step.fault === 'bandwidth' || step.fault === 'reset' || step.fault === 'timeout') {
    const agent = requireAgent(ctx);
    const toxicity = step.params?.toxicity;
    const t = toxicity !== undefined ? { toxicity } : {};
    const fault: AgentFault = {
      kind: 'proxy',
      target: step.target,
      fault:
        step.fault === 'latency'
          ? { kind: 'latency', latencyMs: step.params.latencyMs, ...(step.params.jitterMs ? { jitterMs: step.params.jitterMs } : {}), ...t }
          : step.fault === 'bandwidth'
            ? { kind: 'bandwidth', kbPerS: step.params.kbPerS, ...t }
            : { kind: step.fault, ...t },
    };
    return { faultId, undo: { kind: 'agent', faultId }, apply: () => agent.apply(faultId, fault) };
  }

  const service = step.target;
  // the service's container; on a swarm, its one running task's container on this engine
  const { containerId } = await serviceTarget(docker, ctx.record, service, `the ${step.fault} fault`);
  const container = docker.getContainer(containerId);
  if (ctx.record.runtime?.kind === 'swarm') {
    switch (step.fault) {
      case 'kill':
      case 'stop':
        // the task ends and stays ended (restart policy none): the revert deploys a new task
        return { faultId, undo: { kind: 'redeploy', service, containerId }, apply: () => (step.fault === 'kill' ? container.kill({ signal: step.params?.signal ?? SCENARIO_DEFAULTS.killSignal }) : container.stop({ t: step.params?.timeoutS ?? SCENARIO_DEFAULTS.stopTimeoutS }).catch(ignoreAlreadyDone)) };
      case 'restart':
        return { faultId, undo: { kind: 'redeploy', service, containerId }, apply: () => redeploy(ctx, service).then(() => undefined) };
      case 'partition':
        throw new WorkbenchError(
          'invalid_argument',
          `the partition fault is not available on the swarm runtime: a swarm task cannot be disconnected from its service's overlay network and connected again by the engine's network API (session "${ctx.session}", service "${service}"); use the fault proxy's reset or timeout faults instead`,
          { runtime: 'swarm', fault: step.fault },
        );
      default:
        break; // pause, cpu, memory and packet faults act on the task's container as on a local one
    }
  }
  switch (step.fault) {
    case 'kill':
      return { faultId, undo: { kind: 'start', service, containerId }, apply: () => container.kill({ signal: step.params?.signal ?? SCENARIO_DEFAULTS.killSignal }) };
    case 'stop':
      return { faultId, undo: { kind: 'start', service, containerId }, apply: () => container.stop({ t: step.params?.timeoutS ?? SCENARIO_DEFAULTS.stopTimeoutS }).catch(ignoreAlreadyDone) };
    case 'restart':
      return { faultId, undo: { kind: 'start', service, containerId }, apply: () => container.restart({ t: step.params?.timeoutS ?? SCENARIO_DEFAULTS.stopTimeoutS }) };
    case 'pause':
      return { faultId, undo: { kind: 'unpause', service, containerId }, apply: () => container.pause() };
    case 'cpu':
    case 'memory': {
      const info = await container.inspect();
      const hc = info.HostConfig;
      if (step.fault === 'cpu') {
        return {
          faultId,
          undo: { kind: 'limits', service, containerId, nanoCpus: hc.NanoCpus ?? 0 },
          apply: () => container.update({ NanoCpus: Math.round(step.params.cpus * 1e9) }),
        };
      }
      const bytes = step.params.memoryMb * 1024 * 1024;
      return {
        faultId,
        undo: { kind: 'limits', service, containerId, memory: hc.Memory ?? 0, memorySwap: hc.MemorySwap ?? 0 },
        // No swap to escape into: the limit is the limit.
        apply: () => container.update({ Memory: bytes, MemorySwap: bytes }),
      };
    }
    case 'partition': {
      const network = ctx.record.network?.name;
      if (!network) throw new WorkbenchError('conflict', `session "${ctx.session}" has no network`);
      const info = await container.inspect();
      const short = containerId.slice(0, 12);
      // The engine adds the short id as an alias by itself on connect; keep the others.
      const aliases = (info.NetworkSettings?.Networks?.[network]?.Aliases ?? [service]).filter((a: string) => a !== short && a !== containerId);
      return {
        faultId,
        undo: { kind: 'reconnect', service, containerId, network, aliases },
        apply: () => docker.getNetwork(network).disconnect({ Container: containerId, Force: true }),
      };
    }
    case 'loss':
    case 'duplicate':
    case 'corrupt':
      return { faultId, undo: { kind: 'netem', service, containerId }, apply: () => applyNetem(docker, containerId, step.fault, step.params.percent) };
  }
}

function ignoreAlreadyDone(err: unknown): void {
  if (!alreadyDone(err)) throw err;
}

function requireAgent(ctx: FaultContext): AgentControlClient {
  if (!ctx.agent) throw new WorkbenchError('unavailable', `session "${ctx.session}" has no fault control connection (its agent offers none)`);
  return ctx.agent;
}

/**
 * Undo one fault. Idempotent. `agent` may be absent when replaying a ledger after the run's
 * process died: the agent reverted that process's faults itself when its connection closed.
 */
export async function revertFault(undo: Undo, ctx: Omit<FaultContext, 'agent'> & { agent?: AgentControlClient }): Promise<void> {
  const { docker } = ctx;
  switch (undo.kind) {
    case 'agent':
      if (ctx.agent) await ctx.agent.revert(undo.faultId);
      return;
    case 'start':
      await docker.getContainer(undo.containerId).start().catch(ignoreAlreadyDone);
      await refreshEndpoints(ctx, undo.service, undo.containerId);
      return;
    case 'unpause':
      await docker.getContainer(undo.containerId).unpause().catch(ignoreAlreadyDone);
      return;
    case 'limits':
      await docker.getContainer(undo.containerId).update({
        ...(undo.nanoCpus ? { NanoCpus: undo.nanoCpus } : {}),
        ...(undo.memory ? { Memory: undo.memory, MemorySwap: undo.memorySwap || -1 } : {}),
      });
      return;
    case 'reconnect':
      await docker
        .getNetwork(undo.network)
        .connect({ Container: undo.containerId, EndpointConfig: { Aliases: undo.aliases } })
        .catch(ignoreAlreadyDone);
      await refreshEndpoints(ctx, undo.service, undo.containerId);
      return;
    case 'netem':
      await revertNetem(docker, undo.containerId);
      return;
    case 'redeploy': {
      // idempotent: the faulted task still running (a signal it survived), or the service
      // running all its tasks without it (a revert replayed from the ledger), is left alone
      const faulted = await docker.getContainer(undo.containerId).inspect().then((c) => c.State.Running, () => false);
      if (faulted) return;
      const state = ctx.record.services.find((s) => s.name === undo.service);
      const { SwarmRuntime } = await import('../environments/runtime/swarm');
      const swarm = new SwarmRuntime(docker, ctx.record.runtime!);
      const wanted = ctx.record.runtime?.replicas?.[undo.service] ?? 1;
      if (state && (await swarm.serviceContainers(state, 'running')).filter((id) => id !== undo.containerId).length >= wanted) return;
      await redeploy(ctx, undo.service);
      return;
    }
  }
}

async function redeploy(ctx: Pick<FaultContext, 'docker' | 'record' | 'store'>, service: string): Promise<void> {
  await redeploySwarmService(ctx.docker, ctx.store, ctx.record, service);
}

/**
 * A container of a session from before the gate, started again (or reconnected), may publish its
 * ingress on another host port: the session record follows, so replay, runbooks and probes find
 * it. Through a session's gate the endpoints never move (the gate finds the service by name).
 */
export async function refreshEndpoints(ctx: Pick<FaultContext, 'docker' | 'record' | 'store'>, service: string, containerId: string): Promise<void> {
  if (ctx.record.sandbox?.gate) return;
  // nothing published, nothing to follow (and a revert stays one engine call)
  if (!ctx.record.services.find((s) => s.name === service)?.endpoints.length) return;
  const spec = readSessionManifest(ctx.record)?.services.find((s) => s.name === service);
  if (!spec) return;
  const info = await ctx.docker.getContainer(containerId).inspect();
  if (!info.State.Running) return;
  const endpoints = endpointsOf(spec, info, ctx.record);
  const state = ctx.record.services.find((s) => s.name === service);
  if (state && JSON.stringify(state.endpoints) !== JSON.stringify(endpoints)) {
    state.endpoints = endpoints;
    ctx.store.update(ctx.record.name, (r) => ({ ...r, services: r.services.map((s) => (s.name === service ? { ...s, endpoints } : s)) }));
  }
}
