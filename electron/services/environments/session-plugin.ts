import type Docker from 'dockerode';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import type { AgentFaultBoard } from '../gameday/fault-board';

/**
 * Host-side helpers that live as long as a session (OTLP receiver, fixtures stub) run inside
 * the session's detached agent process, so they outlive the one-shot `repro up`.
 */
export interface SessionPluginContext {
  session: string;
  bundleId: string;
  bundleRoot: string;
  manifest: BundleManifest;
  docker: Docker;
  networkName: string;
  /** The session network's gateway: the host as containers see it. */
  gatewayIp: string;
  /** Interface to listen on so containers of the session can connect. */
  bindHost: string;
  /** Host name containers use for the agent (gateway IP, or host.docker.internal). */
  advertisedHost: string;
  /** Labels to put on any engine resource the plugin creates (so down/gc remove it). */
  labels: Record<string, string>;
  sessionDir: string;
  /** A free port on bindHost the up reserved for this plugin (when it declares reservePort). */
  reservedPort?: number;
  /** Faults a game day switched on in this agent (the faults plugin sets them; the fixtures stub reads them). */
  faults?: AgentFaultBoard;
  log: (message: string) => void;
}

/** What the up process knows before the agent runs: enough to compute a plugin's env. */
export interface SessionPluginPlan {
  session: string;
  bundleId: string;
  advertisedHost: string;
  reservedPort?: number;
}

export interface SessionPluginHandle {
  /** Named addresses to show the engineer (e.g. { otlp: "http://172.20.0.1:4318" }). */
  endpoints?: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Containers are created while the agent is still starting (a fresh process is slow), so a
 * plugin's container env must be known up front: `envFor` computes it from the plan, and
 * `reservePort` makes the up pick the port the plugin will listen on.
 */
export interface SessionPlugin {
  name: string;
  reservePort?: boolean;
  /** Environment variables added to every container of the session. */
  envFor?(plan: SessionPluginPlan): Record<string, string>;
  start(ctx: SessionPluginContext): Promise<SessionPluginHandle>;
}
