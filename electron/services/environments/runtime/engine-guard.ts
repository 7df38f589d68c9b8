/**
 * A session's resources live on the engine its record names. A down, exec, log read or fault
 * sent to another engine would find nothing there (and a down would then call the session
 * gone while it runs on): every such path asks here first. The same engine may be reached at
 * another address (a proxy in front of its socket, a context naming the same engine): then the
 * engine's own ID, kept in the record at up, decides. Small on purpose: a local down loads no
 * runtime code.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../../shared/api/errors';
import { clientEndpoint } from '../../docker-engine';
import type { SessionRecord } from '../state-store';

const engineIds = new WeakMap<Docker, Promise<string | undefined>>();

/**
 * The engine's identity, asked once per client (undefined when it does not answer): its ID and
 * its data root (`docker info`). Docker 20.10 derives the ID from the machine's
 * /etc/docker/key.json, so two engines on one machine share it; their data roots differ.
 */
export function engineId(docker: Docker): Promise<string | undefined> {
  let id = engineIds.get(docker);
  if (!id) {
    id = docker.info().then(
      (info: { ID?: string; DockerRootDir?: string }) => (info.ID ? `${info.ID}@${info.DockerRootDir ?? ''}` : undefined),
      () => undefined,
    );
    engineIds.set(docker, id);
  }
  return id;
}

type Owned = Pick<SessionRecord, 'runtime' | 'name'>;

/** Why `docker` is not the engine the session runs on (undefined: it is, or it cannot be told). */
export async function otherEngine(docker: Docker, record: Owned): Promise<string | undefined> {
  const talking = clientEndpoint(docker);
  const owner = record.runtime?.endpoint;
  if (!talking || !owner || talking.replace(/\/+$/, '') === owner.replace(/\/+$/, '')) return undefined;
  // another address; the same engine behind it is fine
  if (record.runtime?.engineId && (await engineId(docker)) === record.runtime.engineId) return undefined;
  return `Session "${record.name}" runs on the Docker engine at ${owner}, but this workbench talks to ${talking}: point DOCKER_HOST (or DOCKER_CONTEXT) at ${owner} and try again`;
}

export async function assertSessionEngine(docker: Docker, record: Owned): Promise<void> {
  const why = await otherEngine(docker, record);
  if (why) throw new WorkbenchError('conflict', why, { session: record.name, engine: record.runtime!.endpoint });
}
