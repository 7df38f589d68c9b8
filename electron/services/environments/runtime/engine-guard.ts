/**
 * A session's resources live on the engine its record names. A down, exec, log read or fault
 * sent to another engine would find nothing there (and a down would then call the session
 * gone while it runs on): every such path asks here first. Small on purpose: a local down loads
 * no runtime code.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../../shared/api/errors';
import { clientEndpoint } from '../../docker-engine';
import type { SessionRecord } from '../state-store';

/** Why `docker` is not the engine the session runs on (undefined: it is, or it cannot be told). */
export function otherEngine(docker: Docker, record: Pick<SessionRecord, 'runtime' | 'name'>): string | undefined {
  const talking = clientEndpoint(docker);
  const owner = record.runtime?.endpoint;
  if (!talking || !owner || talking.replace(/\/+$/, '') === owner.replace(/\/+$/, '')) return undefined;
  return `Session "${record.name}" runs on the Docker engine at ${owner}, but this workbench talks to ${talking}: point DOCKER_HOST (or DOCKER_CONTEXT) at ${owner} and try again`;
}

export function assertSessionEngine(docker: Docker, record: Pick<SessionRecord, 'runtime' | 'name'>): void {
  const why = otherEngine(docker, record);
  if (why) throw new WorkbenchError('conflict', why, { session: record.name, engine: record.runtime!.endpoint });
}

