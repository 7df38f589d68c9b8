import type Docker from 'dockerode';
import type { BundleManifest } from '../../../shared/bundle/manifest';

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
  log: (message: string) => void;
}

export interface SessionPluginHandle {
  /** Environment variables added to every container of the session. */
  env?: Record<string, string>;
  /** Extra /etc/hosts entries ("name:ip") for every container of the session. */
  extraHosts?: string[];
  /** Named addresses to show the engineer (e.g. { otlp: "http://172.20.0.1:4318" }). */
  endpoints?: Record<string, string>;
  stop(): Promise<void>;
}

export interface SessionPlugin {
  name: string;
  start(ctx: SessionPluginContext): Promise<SessionPluginHandle>;
}
