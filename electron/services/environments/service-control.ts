import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { execInContainer, type ExecResult } from './docker-streams';
import { waitUntilReady } from './health';
import { readSessionManifest, sessionsRoot } from './session-info';
import { SessionStore } from './state-store';
import { healthTarget } from './sandbox';
import { endpointsOf } from './up';

function locate(stateDir: string, session: string, service: string) {
  const store = new SessionStore(sessionsRoot(stateDir));
  const record = store.read(session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${session}" (see repro status)`);
  const state = record.services.find((s) => s.name === service);
  if (!state?.containerId) {
    throw new WorkbenchError('not_found', `Session "${session}" has no service "${service}" (services: ${record.services.map((s) => s.name).join(', ') || 'none'})`);
  }
  return { store, record, state, containerId: state.containerId };
}

/** Run a command inside a service's container (runbook steps, the UI's "exec"). */
export async function execInService(
  docker: Docker,
  stateDir: string,
  session: string,
  service: string,
  argv: string[],
  opts: { onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void; timeoutMs?: number; signal?: AbortSignal; stoppable?: boolean } = {},
): Promise<ExecResult> {
  if (argv.length === 0) throw new WorkbenchError('invalid_argument', 'exec needs a command');
  const { containerId } = locate(stateDir, session, service);
  return execInContainer(docker, containerId, argv, opts);
}

export async function stopService(docker: Docker, stateDir: string, session: string, service: string): Promise<void> {
  const { containerId } = locate(stateDir, session, service);
  await docker.getContainer(containerId).stop({ t: 5 }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 304) throw err; // 304: already stopped
  });
}

/** Restart one service and wait for its healthcheck again; the published port may change. */
export async function restartService(docker: Docker, stateDir: string, session: string, service: string): Promise<{ endpoints: Array<{ container: number; url: string }> }> {
  const { store, record, containerId } = locate(stateDir, session, service);
  const container = docker.getContainer(containerId);
  await container.restart({ t: 5 });
  const info = await container.inspect();
  const spec = readSessionManifest(record)?.services.find((s) => s.name === service);
  if (spec) await waitUntilReady(docker, containerId, spec, healthTarget(info, record, service));
  const endpoints = spec ? endpointsOf(spec, info, record) : [];
  store.update(session, (r) => ({ ...r, services: r.services.map((s) => (s.name === service ? { ...s, endpoints } : s)) }));
  return { endpoints };
}
