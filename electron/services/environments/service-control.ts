import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { execInContainer, type ExecResult } from './docker-streams';
import { waitUntilReady } from './health';
import { assertSessionEngine } from './runtime/engine-guard';
import { serviceState, serviceTarget } from './service-target';
import { readSessionManifest, sessionsRoot } from './session-info';
import { SessionStore, type SessionRecord } from './state-store';
import { gateEndpoints, healthTarget } from './sandbox';
import { endpointsOf } from './up';

function readRecord(stateDir: string, session: string) {
  const store = new SessionStore(sessionsRoot(stateDir));
  const record = store.read(session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${session}" (see repro status)`);
  return { store, record };
}

async function locate(docker: Docker, stateDir: string, session: string, service: string) {
  const { store, record } = readRecord(stateDir, session);
  await assertSessionEngine(docker, record);
  return { store, record, state: serviceState(record, service) };
}

/** Run a command inside a service's container (runbook steps, the UI's "exec"); on a swarm, in its (oldest) running task's container. */
export async function execInService(
  docker: Docker,
  stateDir: string,
  session: string,
  service: string,
  argv: string[],
  opts: { onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void; timeoutMs?: number; signal?: AbortSignal; stoppable?: boolean } = {},
): Promise<ExecResult> {
  if (argv.length === 0) throw new WorkbenchError('invalid_argument', 'exec needs a command');
  // serviceTarget checks the engine and the service itself
  const { record } = readRecord(stateDir, session);
  const { containerId } = await serviceTarget(docker, record, service, `exec in ${service}`, { anyTask: true });
  return execInContainer(docker, containerId, argv, opts);
}

/** Stop one service: its container (local), or all its tasks (swarm: scaled to 0, the service stays). */
export async function stopService(docker: Docker, stateDir: string, session: string, service: string): Promise<void> {
  const { record, state } = await locate(docker, stateDir, session, service);
  if (record.runtime?.kind === 'swarm') {
    const { SwarmRuntime } = await import('./runtime/swarm');
    await new SwarmRuntime(docker, record.runtime).scaleToZero(state);
    return;
  }
  await docker.getContainer(state.containerId!).stop({ t: 5 }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 304) throw err; // 304: already stopped
  });
}

/**
 * Restart one service and wait for its healthcheck again; the published port may change. On a
 * swarm its tasks are replaced by new ones (a task that ended never runs again).
 */
export async function restartService(docker: Docker, stateDir: string, session: string, service: string): Promise<{ endpoints: Array<{ container: number; url: string }> }> {
  const { store, record, state } = await locate(docker, stateDir, session, service);
  if (record.runtime?.kind === 'swarm') return { endpoints: await redeploySwarmService(docker, store, record, service) };
  const spec = readSessionManifest(record)?.services.find((s) => s.name === service);
  const container = docker.getContainer(state.containerId!);
  await container.restart({ t: 5 });
  const info = await container.inspect();
  if (spec) await waitUntilReady(docker, state.containerId!, spec, healthTarget(info, record, service));
  const endpoints = spec ? endpointsOf(spec, info, record) : [];
  store.update(session, (r) => ({ ...r, services: r.services.map((s) => (s.name === service ? { ...s, endpoints } : s)) }));
  return { endpoints };
}

/**
 * A swarm service's tasks replaced by new ones, healthy (a restart, a game day's kill, stop or
 * restart and their reverts); the record follows its new container. Returns its endpoints (the
 * gate's: a redeploy does not move them).
 */
export async function redeploySwarmService(docker: Docker, store: SessionStore, record: SessionRecord, service: string): Promise<Array<{ container: number; url: string }>> {
  const state = serviceState(record, service);
  const spec = readSessionManifest(record)?.services.find((s) => s.name === service);
  const { SwarmRuntime } = await import('./runtime/swarm');
  const [containerId] = await new SwarmRuntime(docker, record.runtime!).redeploy(state, spec, record);
  const endpoints = spec ? gateEndpoints(record.sandbox, spec) : [];
  store.update(record.name, (r) => ({ ...r, services: r.services.map((s) => (s.name === service ? { ...s, ...(containerId ? { containerId } : {}), endpoints } : s)) }));
  return endpoints;
}
