import { z } from '../../zod';
import type { SignatureStatus } from '../../bundle/dsse';
import { method, operation } from '../define';
import type { LogEvent } from '../events';
import type { EngineStatus } from './app';

export type ServiceHealth = 'healthy' | 'unhealthy' | 'none' | 'unknown';

export interface EnvEndpoint {
  container: number;
  url: string;
}

export interface EnvServiceInfo {
  name: string;
  containerId?: string;
  /** Engine state (running, exited ...), 'missing' when the container is gone, 'unknown' when the engine cannot be asked. */
  state: string;
  health: ServiceHealth;
  exitCode?: number;
  endpoints: EnvEndpoint[];
}

/** What a session's containers can reach (docs/security.md). */
export interface EnvSandboxInfo {
  /** sealed: each other, the agent's ports and nothing else; open: `--allow-egress`. */
  egress: 'sealed' | 'open';
  /** The workbench checked the seal itself (only possible when the engine runs on this machine). */
  verified: boolean;
  /** false: the engine does not enforce the seal asked for (e.g. a dockerd with --iptables=false): NOT sealed. */
  enforced?: false;
  /** What could not be enforced or checked, in words. */
  notes: string[];
  /** The agent's ports the containers may reach, at agent.repro.internal. */
  agentPorts: number[];
}

/** The runtimes a session can run on (docs/runtimes.md). */
export const ENV_RUNTIMES = ['local', 'swarm'] as const;
export type EnvRuntimeKind = (typeof ENV_RUNTIMES)[number];

export interface EnvRuntimeInfo {
  kind: EnvRuntimeKind;
  /** The engine (DOCKER_HOST, context or the default socket) the session lives on. */
  endpoint: string;
}

export interface EnvSessionInfo {
  name: string;
  bundleId: string;
  bundleRoot: string;
  bundleSource: string;
  createdAt: string;
  phase: 'starting' | 'running' | 'failed' | 'stopping' | 'down';
  /** Which runtime runs the session and on which engine (docs/runtimes.md). */
  runtime: EnvRuntimeInfo;
  services: EnvServiceInfo[];
  network: { name: string; gatewayIp: string };
  stateDir: string;
  agent: { alive: boolean; pid?: number; endpoints: Record<string, string> };
  injectedEnv: Record<string, string>;
  /** Absent for sessions brought up before the sandbox existed. */
  sandbox?: EnvSandboxInfo;
  engineError?: { error: string; hint?: string };
  error?: { message: string; details?: unknown };
}

export interface DriftItem {
  service: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Exactly `repro down --json`. */
export interface EnvDownReport {
  session: string;
  removed: { services?: number; containers: number; networks: number; volumes: number };
  agentStopped: boolean;
}

/** Exactly `repro up --json`. */
export interface EnvUpReport {
  session: string;
  runtime: EnvRuntimeInfo;
  services: Array<{ name: string; state: string; health: ServiceHealth; containerId: string; endpoints: EnvEndpoint[] }>;
  drift: DriftItem[];
  sandbox: EnvSandboxInfo;
  /** The bundle's signature as verify found it; see shared/bundle/trust.ts for what it means. */
  signature: { status: SignatureStatus; keyid?: string };
}

export interface EnvSecretNeed {
  name: string;
  required: boolean;
  services: string[];
  /** Whether the backend already has a value (REPRO_SECRET_<NAME> in its environment). Never the value. */
  available: boolean;
}

const sessionName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a session name (a-z 0-9 _ . -, up to 63)' });
const serviceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'expected a service name' });

export const environmentMethods = {
  /** Engine status and sessions (not down unless `all`); with `probe`, each healthcheck runs once. */
  'env.list': method(z.object({ all: z.boolean().optional(), probe: z.boolean().optional() }).strict()).returns<{ engine: EngineStatus; sessions: EnvSessionInfo[] }>(),
  'env.get': method(z.object({ session: sessionName }).strict()).returns<EnvSessionInfo>(),
  /** The secrets an open bundle's services need, and which the backend already has. */
  'env.secrets': method(z.object({ handle: z.string().min(1) }).strict()).returns<EnvSecretNeed[]>(),
  /**
   * Bring a bundle's environment up: an open bundle (`handle`) or one on disk (`path`, what
   * `repro up` runs). An operation; cancelling it removes what it created. Secrets are used for
   * this call only; `keys` (PEM files) must then sign the bundle.
   */
  'env.up': operation(
    z
      .object({
        handle: z.string().min(1).optional(),
        path: z.string().min(1).max(4096).optional(),
        session: sessionName.optional(),
        secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(65536)).optional(),
        keys: z.array(z.string().min(1).max(4096)).max(32).optional(),
        /** Let the containers reach the internet, the LAN and this machine; sealed otherwise. */
        allowEgress: z.boolean().optional(),
        /** Refuse a bundle that no trusted key signed (also the setting bundles.requireSignature). */
        requireSignature: z.boolean().optional(),
        /** Where the session runs (docs/runtimes.md); default local. */
        runtime: z.enum(ENV_RUNTIMES).optional(),
        /** swarm: tasks per stateless service. */
        replicas: z.record(serviceName, z.int().min(1).max(32)).optional(),
        /** swarm: push images to this registry (HOST:PORT) and deploy them pinned by digest. */
        /** The address of this machine where the session's containers reach the agent (a remote engine's containers: one they can route to). */
        advertiseHost: z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'expected an IP address or host name' }).optional(),
        registry: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'expected HOST:PORT' }).optional(),
      })
      .strict()
      .refine((x) => (x.handle === undefined) !== (x.path === undefined), { message: 'give exactly one of handle and path' }),
  ).returns<EnvUpReport>(),
  /** Containers are killed unless `graceful` (then each is stopped with SIGTERM and its stop timeout first). */
  'env.down': operation(z.object({ session: sessionName, graceful: z.boolean().optional() }).strict()).returns<EnvDownReport>(),
  'env.gc': method(z.object({}).strict()).returns<{ collected: Array<{ session: string; reason: string; removed: { containers: number; networks: number; volumes: number } }> }>(),
  'env.drift': method(z.object({ session: sessionName }).strict()).returns<DriftItem[]>(),
  /** Log history, merged across services in time order. */
  'env.logs': method(z.object({ session: sessionName, service: serviceName.optional(), tail: z.int().min(0).max(100_000).optional() }).strict()).returns<LogEvent[]>(),
  /**
   * Follow new log lines: they arrive on this connection's `log` event stream (tagged with the
   * subscription) until env.logsStop or until the connection closes. Followers of one session
   * share one engine stream.
   */
  'env.logsFollow': method(z.object({ session: sessionName, service: serviceName.optional() }).strict()).returns<{ subscription: string }>(),
  'env.logsStop': method(z.object({ subscription: z.string().min(1) }).strict()).returns<{ stopped: boolean }>(),
  'env.restartService': method(z.object({ session: sessionName, service: serviceName }).strict()).returns<{ endpoints: EnvEndpoint[] }>(),
  'env.stopService': method(z.object({ session: sessionName, service: serviceName }).strict()).returns<{ stopped: true }>(),
};
