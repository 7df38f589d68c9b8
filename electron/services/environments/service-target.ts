/**
 * Which container an action on a service of a session acts on (exec, runbook `sh` steps, logs,
 * game-day container faults), on every runtime: the service's container on the local runtime;
 * on a swarm, the container of its running task on this engine. A command (exec, runbook steps)
 * runs in the oldest running task of a service with several, as `docker exec` into any replica
 * would; a fault on one container refuses such a service rather than pick a task for the user.
 * Every action refuses a session that runs on another engine (runtime/engine-guard.ts).
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { assertSessionEngine } from './runtime/engine-guard';
import type { ServiceState, SessionRecord } from './state-store';

export interface ServiceTarget {
  state: ServiceState;
  containerId: string;
}

/** A non-local session's runtime (loaded only then: a local exec or log read loads no runtime code). */
async function remoteRuntime(docker: Docker, record: SessionRecord) {
  const { runtimeFor, recordRuntime } = await import('./runtime');
  const ref = recordRuntime(record);
  return { ref, runtime: runtimeFor(docker, ref) };
}

export function serviceState(record: SessionRecord, service: string): ServiceState {
  const state = record.services.find((s) => s.name === service);
  if (!state || (!state.containerId && !state.serviceId)) {
    throw new WorkbenchError('not_found', `Session "${record.name}" has no service "${service}" (services: ${record.services.map((s) => s.name).join(', ') || 'none'})`);
  }
  return state;
}

/**
 * The one container `what` (e.g. "exec", "the pause fault") acts on for `service`. `anyTask`:
 * of several running tasks, the oldest (commands); without it, several is an error (faults).
 */
export async function serviceTarget(docker: Docker, record: SessionRecord, service: string, what: string, opts: { anyTask?: boolean } = {}): Promise<ServiceTarget> {
  await assertSessionEngine(docker, record);
  const state = serviceState(record, service);
  if ((record.runtime?.kind ?? 'local') === 'local') return { state, containerId: state.containerId! };
  const { ref, runtime } = await remoteRuntime(docker, record);
  const running = await runtime.serviceContainers(state, 'running');
  if (running.length === 0) {
    throw new WorkbenchError('conflict', `${what}: service "${service}" of session "${record.name}" (runtime ${ref.kind}) has no running task with a container on this engine (${ref.endpoint})`, { service, runtime: ref.kind });
  }
  if (running.length > 1 && !opts.anyTask) {
    throw new WorkbenchError(
      'conflict',
      `${what}: service "${service}" of session "${record.name}" runs ${running.length} tasks (runtime ${ref.kind}, --replicas); it acts on one container and will not pick one of them for you`,
      { service, runtime: ref.kind, tasks: running.length },
    );
  }
  return { state, containerId: running[0]! };
}

/** Every container a service's logs come from: the local container, or each of its swarm tasks' (oldest first). */
export async function serviceLogContainers(docker: Docker, record: SessionRecord, state: ServiceState): Promise<string[]> {
  await assertSessionEngine(docker, record);
  if ((record.runtime?.kind ?? 'local') === 'local') return state.containerId ? [state.containerId] : [];
  return (await remoteRuntime(docker, record)).runtime.serviceContainers(state, 'all');
}
