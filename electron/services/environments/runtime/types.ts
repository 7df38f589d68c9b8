/**
 * The runtime seam: everything that creates, inspects and removes a session's resources goes
 * through one SessionRuntime. The up (up.ts), status (session-info.ts), drift, down and gc ask
 * the session's runtime, which the session record names (docs/runtimes.md):
 *
 *  - local: the engine's own containers on a bridge network (what the workbench always did);
 *  - swarm: swarm services on an attachable overlay network of a swarm manager.
 *
 * The sandbox's plumbing (the gate container, the edge network, the agent) stays the same on
 * every runtime: the gate is a plain container on the engine the workbench talks to, attached to
 * the session network, so the seal and the loopback ingress hold wherever the network allows it.
 */
import type Docker from 'dockerode';
import type { ProgressEvent } from '../../../../shared/api/events';
import { ENV_RUNTIMES, type EnvRuntimeKind } from '../../../../shared/api/methods/environment';
import type { ServiceSpec } from '../../../../shared/bundle/manifest';
import type { DriftItem } from '../drift';
import type { ImageProgress } from '../images';
import type { RemovalCounts } from '../resources';
import type { ServiceState, SessionRecord } from '../state-store';

export type RuntimeKind = EnvRuntimeKind;

export const RUNTIME_KINDS: readonly RuntimeKind[] = ENV_RUNTIMES;

/** Which runtime and engine own a session; kept in its record (older records without it: local). */
export interface RuntimeRef {
  kind: RuntimeKind;
  /** The engine the workbench talked to (DOCKER_HOST or the default socket). */
  endpoint: string;
  /** That engine's identity (`docker info` ID@data root): the same engine reached at another address is still it. */
  engineId?: string;
  /** swarm: the registry images were pushed to (HOST:PORT), when one was named. */
  registry?: string;
  /** swarm: tasks per stateless service (default 1). */
  replicas?: Record<string, number>;
  /** swarm: the node stateful services (those with volumes) are pinned to, where their volumes are. */
  nodeId?: string;
  /** swarm: image references this session pushed (removed locally by down). */
  pushed?: string[];
}

/** What the up hands each service's creation. */
export interface ServiceContext {
  session: string;
  record: SessionRecord;
  /** Labels of a resource of this session (service '' for session-wide ones). */
  labels(service?: string): Record<string, string>;
  secrets: Map<string, string>;
  bundleRoot: string;
  progress: (p: ProgressEvent) => void;
  signal: AbortSignal;
  /** The session's gate starting: with the fault proxy, a container's /etc/hosts needs its address. */
  gate: Promise<void>;
}

/** A created (not yet started) service: its state for the record and what start needs. */
export interface CreatedService {
  state: ServiceState;
  /** Start it and wait until it is ready (task state and healthcheck); returns its endpoints. */
  start(): Promise<ServiceState['endpoints']>;
}

/** A service as the engine runs it right now. */
export interface ServiceRuntimeState {
  /** running, exited, ... ('missing' when the engine has no such service any more). */
  status: string;
  running: boolean;
  exitCode?: number;
  /** The container running it on the engine the workbench talks to (exec, logs, probes). */
  containerId?: string;
}

export interface SessionRuntime {
  readonly ref: RuntimeRef;
  readonly docker: Docker;
  /** Check, before anything is created, that the engine can run the session this way (and the options fit the bundle). */
  ensureReady(services: ServiceSpec[]): Promise<void>;
  /** What this runtime cannot enforce of the sandbox (docs/runtimes.md), for the session's notes. */
  sandboxNotes(): string[];
  /** The session network: sealed (no route out, no address of this machine) unless egress is allowed. */
  createNetwork(name: string, labels: Record<string, string>, allowEgress: boolean): Promise<Docker.NetworkInspectInfo>;
  /** Make a service's image available wherever its tasks will run. */
  prepareImage(svc: ServiceSpec, ctx: ServiceContext, onProgress: (p: ImageProgress) => void): Promise<void>;
  /** Create a service's volumes (filled from snapshots) and the service itself, not started. */
  createService(svc: ServiceSpec, ctx: ServiceContext): Promise<CreatedService>;
  inspectService(state: ServiceState): Promise<ServiceRuntimeState>;
  /** What the engine runs vs what the manifest captured, for one service. */
  serviceDrift(svc: ServiceSpec, state: ServiceState, expectedEnv: Record<string, string>, secretNames: Set<string>): Promise<DriftItem[]>;
  /**
   * The containers on this engine that run a service now (`running`), or every container its
   * tasks left here, oldest first (`all`: logs). Local: the one container, whatever its state.
   */
  serviceContainers(state: ServiceState, which: 'running' | 'all'): Promise<string[]>;
  /** Remove everything carrying the session's labels (idempotent). */
  removeSession(labelFilter: string[]): Promise<RemovalCounts>;
}
