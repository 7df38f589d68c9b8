import type Docker from 'dockerode';
import { WorkbenchError } from '../../../../shared/api/errors';
import { engineEndpoint } from '../../docker-engine';
import type { SessionRecord } from '../state-store';
import { LocalRuntime } from './local';
import { SwarmRuntime } from './swarm';
import { RUNTIME_KINDS, type RuntimeRef, type SessionRuntime } from './types';

export type { RuntimeKind, RuntimeRef, SessionRuntime, ServiceContext, CreatedService, ServiceRuntimeState } from './types';
export { RUNTIME_KINDS } from './types';

/** The runtime that owns a session: its record says so; records from before runtimes existed are local. */
export function recordRuntime(record: Pick<SessionRecord, 'runtime'>, env: NodeJS.ProcessEnv = process.env): RuntimeRef {
  return record.runtime ?? { kind: 'local', endpoint: engineEndpoint(env) };
}

export function runtimeFor(docker: Docker, ref: RuntimeRef): SessionRuntime {
  switch (ref.kind) {
    case 'local':
      return new LocalRuntime(docker, ref);
    case 'swarm':
      return new SwarmRuntime(docker, ref);
    default:
      throw new WorkbenchError('invalid_argument', `Unknown runtime "${String((ref as { kind: unknown }).kind)}" (runtimes: ${RUNTIME_KINDS.join(', ')})`);
  }
}

export function sessionRuntime(docker: Docker, record: Pick<SessionRecord, 'runtime' | 'name'>): SessionRuntime {
  return runtimeFor(docker, recordRuntime(record));
}

export { assertSessionEngine, engineId, otherEngine } from './engine-guard';
export { parseRuntimeKind } from './options';
