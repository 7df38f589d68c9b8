import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { writeFileAtomicSync } from '../atomic-write';
import type { FaultProxyPlan } from '../gameday/proxy-plan';
import type { AgentPlan } from './host-address';
import type { SandboxState } from './sandbox';
import { isProcessAlive, type ProcessIdentity } from './process-identity';
import type { RuntimeRef } from './runtime/types';

export type SessionPhase = 'starting' | 'running' | 'failed' | 'stopping' | 'down';

export interface EndpointInfo {
  container: number;
  url: string;
}

export interface ServiceState {
  name: string;
  containerId?: string;
  containerName?: string;
  /** swarm: the service's id (its tasks' containers come and go). */
  serviceId?: string;
  imageId: string;
  endpoints: EndpointInfo[];
}

/**
 * What survives between CLI runs and app restarts. Secret NAMES only, never values: the values
 * live in the containers' environment and nowhere else.
 */
export interface SessionRecord {
  version: 1;
  name: string;
  bundleId: string;
  bundleRoot: string;
  bundleSource: string;
  manifestSha256: string;
  createdAt: string;
  updatedAt: string;
  phase: SessionPhase;
  /** Which runtime and engine own the session (absent in records from before runtimes: local). */
  runtime?: RuntimeRef;
  /** The process doing `up` right now; when it dies during 'starting' the session is an orphan. */
  upOwner?: ProcessIdentity;
  /** The detached agent owning a running session (OTLP receiver, fixtures stub). */
  agent?: ProcessIdentity & { endpoints?: Record<string, string> };
  network?: { name: string; id?: string; gatewayIp?: string };
  /** Where the agent listens and which ports the up reserved for its plugins (the ports containers may reach). */
  agentPlan?: AgentPlan;
  /** Sealed or open, what was checked, the edge network and the gate (sandbox.ts). */
  sandbox?: SandboxState;
  /** Game days: where the agent's fault proxy sits between the services (fixed at up). */
  faultProxy?: FaultProxyPlan;
  volumes: string[];
  services: ServiceState[];
  secretNames: string[];
  /** Env added by session plugins (OTLP endpoint...); not secret. */
  injectedEnv: Record<string, string>;
  error?: { message: string; details?: unknown };
  /** The up was cancelled by its caller (phase is then 'down': nothing was left). */
  cancelled?: boolean;
}

export const SESSION_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export function assertSessionName(name: string): void {
  if (!SESSION_NAME_PATTERN.test(name)) {
    throw new WorkbenchError('invalid_argument', `Session name "${name}" is not valid: use 1-63 characters a-z 0-9 _ . - starting with a letter or digit`);
  }
}

export function sessionDirOf(sessionsRoot: string, name: string): string {
  assertSessionName(name);
  return join(sessionsRoot, name);
}

/** temp file + fsync + rename: a crash leaves either the old or the new file, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomicSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}

export class SessionStore {
  constructor(readonly root: string) {}

  dir(name: string): string {
    return sessionDirOf(this.root, name);
  }

  file(name: string): string {
    return join(this.dir(name), 'session.json');
  }

  read(name: string): SessionRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.file(name), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as SessionRecord;
    } catch (err) {
      throw new WorkbenchError('internal', `Session state ${this.file(name)} is not valid JSON: ${(err as Error).message}`);
    }
  }

  write(record: SessionRecord): void {
    writeJsonAtomic(this.file(record.name), { ...record, updatedAt: new Date().toISOString() });
  }

  update(name: string, change: (r: SessionRecord) => SessionRecord): SessionRecord {
    const current = this.read(name);
    if (!current) throw new WorkbenchError('not_found', `No session named "${name}"`);
    const next = change(current);
    this.write(next);
    return next;
  }

  names(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && SESSION_NAME_PATTERN.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  }

  list(): SessionRecord[] {
    const out: SessionRecord[] = [];
    for (const n of this.names()) {
      try {
        const r = this.read(n);
        if (r) out.push(r);
      } catch {
        // a corrupt state file must not hide every other session
      }
    }
    return out;
  }

  remove(name: string): void {
    rmSync(this.dir(name), { recursive: true, force: true });
  }
}

/** Where a workbench home keeps its sessions' folders. */
export function sessionsRoot(stateDir: string): string {
  return join(stateDir, 'sessions');
}

/** Why a session is an orphan (its owner process is gone), or undefined when its owner is alive. */
export function orphanReason(record: SessionRecord): string | undefined {
  if (record.phase === 'starting' || record.phase === 'stopping') {
    return isProcessAlive(record.upOwner) ? undefined : `its ${record.phase === 'starting' ? 'up' : 'down'} process is gone`;
  }
  if (record.phase === 'running') return isProcessAlive(record.agent) ? undefined : 'its agent process is gone';
  return undefined;
}
