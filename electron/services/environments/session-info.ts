import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { EnvServiceInfo as ServiceInfo, EnvSessionInfo as SessionInfo, ServiceHealth } from '../../../shared/api/methods/environment';
import { bundleManifestSchema, type BundleManifest } from '../../../shared/bundle/manifest';
import type { EngineStatus } from '../../../shared/api/methods/app';
import { engineStatus } from '../docker-engine';
import { waitUntilReady } from './health';
import { isProcessAlive } from './process-identity';
import { agentPorts, healthTarget } from './sandbox';
import { orphanReason, SessionStore, sessionsRoot, type SessionRecord } from './state-store';
import { otherEngine, recordRuntime, runtimeFor, type ServiceRuntimeState } from './runtime';
import { MAX_MANIFEST_BYTES, readBundleFileSync } from '../bundles/bundle-path';

// The session as the API describes it: one definition, in the contract (shared/api/methods/environment.ts).
export type { EnvServiceInfo as ServiceInfo, EnvSessionInfo as SessionInfo, EnvSandboxInfo as SessionSandboxInfo, ServiceHealth } from '../../../shared/api/methods/environment';

/** An engine that accepts but never answers must give "unknown", not a hang. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer from the engine within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

export { sessionsRoot } from './state-store';
export { requireEngine } from '../docker-engine';

export function readSessionManifest(record: SessionRecord): BundleManifest | undefined {
  try {
    return bundleManifestSchema.parse(JSON.parse(readBundleFileSync(record.bundleRoot, 'bundle.json', { maxBytes: MAX_MANIFEST_BYTES })));
  } catch {
    return undefined;
  }
}

/**
 * A session as the engine sees it now. A session whose owner process is gone (its agent killed,
 * an up interrupted) is reported as failed, saying so, even before gc collects it: what it ran
 * (the OTLP receiver, the fixtures stub) no longer runs. With `probe`, each running service's healthcheck is
 * run once (short timeout) so the health shown is current, not what it was at up.
 */
export async function describeSession(docker: Docker, stateDir: string, record: SessionRecord, opts: { probe?: boolean; engineDown?: { error: string; hint?: string } } = {}): Promise<SessionInfo> {
  const store = new SessionStore(sessionsRoot(stateDir));
  // Only an owner we know of can be found gone (records written by hand, as tests do, have none).
  const orphaned = record.agent || record.upOwner ? orphanReason(record) : undefined;
  const manifest = opts.probe ? readSessionManifest(record) : undefined;
  // a session on another engine than this workbench's: shown from its record, never looked up here
  const elsewhere = await otherEngine(docker, record);
  const engineDown = opts.engineDown ?? (elsewhere ? { error: elsewhere } : undefined);
  const runtime = runtimeFor(docker, recordRuntime(record));
  const services: ServiceInfo[] = [];
  for (const s of record.services) {
    const base = { name: s.name, ...(s.containerId ? { containerId: s.containerId } : {}), endpoints: s.endpoints };
    if (engineDown || (!s.containerId && !s.serviceId)) {
      services.push({ ...base, state: 'unknown', health: 'unknown' });
      continue;
    }
    let now: ServiceRuntimeState;
    try {
      now = await withTimeout(runtime.inspectService(s), 5000, `inspecting ${s.name}`);
    } catch (err) {
      const gone = (err as { statusCode?: number }).statusCode === 404;
      services.push({ ...base, state: gone ? 'missing' : 'unknown', health: 'unknown' });
      continue;
    }
    const spec = manifest?.services.find((m) => m.name === s.name);
    let health: ServiceHealth = 'unknown';
    if (!now.running) health = 'unhealthy';
    else if (record.phase === 'running' && !opts.probe) health = manifestHasHealthcheck(record, s.name) ? 'healthy' : 'none';
    else if (spec && !spec.healthcheck) health = 'none';
    else if (spec?.healthcheck && now.containerId) {
      const quick = { ...spec, healthcheck: { ...spec.healthcheck, timeoutMs: 2000, intervalMs: 2000 } };
      const containerId = now.containerId;
      const info = await docker.getContainer(containerId).inspect();
      health = await waitUntilReady(docker, containerId, quick, healthTarget(info, record, s.name)).then(
        () => 'healthy' as const,
        () => 'unhealthy' as const,
      );
    }
    services.push({ ...base, ...(now.containerId ? { containerId: now.containerId } : {}), state: now.status, health, ...(now.exitCode !== undefined ? { exitCode: now.exitCode } : {}) });
  }
  return {
    name: record.name,
    bundleId: record.bundleId,
    bundleRoot: record.bundleRoot,
    bundleSource: record.bundleSource,
    createdAt: record.createdAt,
    phase: orphaned ? 'failed' : record.phase,
    runtime: { kind: recordRuntime(record).kind, endpoint: recordRuntime(record).endpoint },
    services,
    network: { name: record.network?.name ?? '', gatewayIp: record.network?.gatewayIp ?? '' },
    stateDir: store.dir(record.name),
    agent: { alive: isProcessAlive(record.agent), ...(record.agent ? { pid: record.agent.pid } : {}), endpoints: record.agent?.endpoints ?? {} },
    injectedEnv: record.injectedEnv,
    ...(record.sandbox ? { sandbox: { egress: record.sandbox.egress, verified: record.sandbox.verified, ...(record.sandbox.enforced === false ? { enforced: false as const } : {}), notes: record.sandbox.notes, agentPorts: agentPorts(record.agentPlan) } } : {}),
    ...(engineDown ? { engineError: engineDown } : {}),
    ...(orphaned ? { error: { message: `orphaned: ${orphaned} (agent not running); repro down ${record.name} removes its containers, repro gc every orphaned session's` } } : record.error ? { error: record.error } : {}),
  };
}

function manifestHasHealthcheck(record: SessionRecord, service: string): boolean {
  return Boolean(readSessionManifest(record)?.services.find((s) => s.name === service)?.healthcheck);
}

/**
 * Sessions not yet down (with `all`, also down and failed ones), engine state included. A caller
 * that has just asked for the engine's status passes it (`engine`), saving a round trip.
 */
export async function listSessions(docker: Docker, stateDir: string, opts: { all?: boolean; probe?: boolean; engine?: EngineStatus } = {}): Promise<SessionInfo[]> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const records = store.list().filter((r) => opts.all || (r.phase !== 'down' && r.phase !== 'failed'));
  if (records.length === 0) return [];
  const status = opts.engine ?? (await engineStatus(docker));
  const engineDown = status.reachable ? undefined : { error: status.error ?? 'engine unreachable', ...(status.hint ? { hint: status.hint } : {}) };
  const describe = { ...(opts.probe !== undefined ? { probe: opts.probe } : {}), ...(engineDown ? { engineDown } : {}) };
  return Promise.all(records.map((r) => describeSession(docker, stateDir, r, describe)));
}

export async function getSession(docker: Docker, stateDir: string, name: string, opts: { probe?: boolean } = {}): Promise<SessionInfo> {
  const record = new SessionStore(sessionsRoot(stateDir)).read(name);
  if (!record) throw new WorkbenchError('not_found', `No session named "${name}" (see repro status)`);
  const status = await engineStatus(docker);
  const engineDown = status.reachable ? undefined : { error: status.error ?? 'engine unreachable', ...(status.hint ? { hint: status.hint } : {}) };
  return describeSession(docker, stateDir, record, { ...opts, ...(engineDown ? { engineDown } : {}) });
}
