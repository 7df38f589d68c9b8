import type Docker from 'dockerode';
import { LABEL_HOME, LABEL_HOME_PATH, LABEL_SESSION } from './labels';
import { timed } from '../timing';

export interface LabelledResources {
  /** Swarm services (none when the engine is no swarm manager). */
  services: Array<{ ID: string; Spec?: { Labels?: Record<string, string> } }>;
  containers: Docker.ContainerInfo[];
  networks: Docker.NetworkInspectInfo[];
  volumes: Array<{ Name: string; Labels: Record<string, string> | null }>;
}

/** Everything in the engine carrying the given label filters (all states, not only running). */
export async function listLabelled(docker: Docker, labels: string[]): Promise<LabelledResources> {
  const filters = JSON.stringify({ label: labels });
  const [services, containers, networks, volumes] = await Promise.all([
    listServices(docker, filters),
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }).then((r) => (r.Volumes ?? []) as LabelledResources['volumes']),
  ]);
  return { services, containers, networks, volumes };
}

/** Labelled swarm services; an engine that is no swarm manager answers 503: it has none. */
async function listServices(docker: Docker, filters: string): Promise<LabelledResources['services']> {
  try {
    return (await docker.listServices({ filters })) as LabelledResources['services'];
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 503) return [];
    throw err;
  }
}

const ignoreGone = (err: unknown) => {
  const code = (err as { statusCode?: number }).statusCode;
  if (code === 404) return; // already gone: the goal is reached
  throw err;
};

export interface RemovalCounts {
  /** Swarm services (absent when there were none). */
  services?: number;
  containers: number;
  networks: number;
  volumes: number;
}

export interface RemoveOptions {
  /** An engine check under way: its round trip overlaps the listing, and its error is the one thrown. */
  engineReady?: Promise<void>;
  /** Called once the containers are gone (the networks and volumes go next). */
  onContainersGone?: () => void;
}

/**
 * Remove containers (killed: force), then networks and volumes together (they are in use until
 * the containers are gone). Idempotent: resources that vanished meanwhile are fine.
 */
export async function removeLabelled(docker: Docker, labels: string[], opts: RemoveOptions = {}): Promise<RemovalCounts> {
  const listing = listLabelled(docker, labels);
  if (opts.engineReady) {
    listing.catch(() => {}); // the engine check's error is the one to report
    await opts.engineReady;
  }
  const found = await listing;
  // Swarm services go first: the swarm would otherwise start new tasks for the containers removed below.
  await Promise.all(found.services.map((s) => docker.getService(s.ID).remove().catch(ignoreGone)));
  await timed('remove: containers', () => Promise.all(found.containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGoneOrGoing))));
  if (found.services.length) await tasksGone(docker, labels);
  opts.onContainersGone?.();
  await timed('remove: networks and volumes', () =>
    Promise.all([
      ...found.networks.map((n) => removeNetwork(docker, n.Id, found.services.length > 0, labels)),
      ...found.volumes.map((v) => docker.getVolume(v.Name).remove({ force: true } as object).catch(ignoreGone)),
    ]),
  );
  return { ...(found.services.length ? { services: found.services.length } : {}), containers: found.containers.length, networks: found.networks.length, volumes: found.volumes.length };
}

/** A container the engine is already removing (a swarm task going with its service) is as good as gone. */
const ignoreGoneOrGoing = (err: unknown) => {
  if ((err as { statusCode?: number }).statusCode === 409 && /already in progress/i.test((err as Error).message)) return;
  return ignoreGone(err);
};

const SERVICE_REMOVAL_TIMEOUT_MS = 30_000;

/**
 * Wait until the removed services' task containers are gone (they hold the session's network
 * and volumes until then). They were killed above, as the local runtime's containers are, not
 * stopped politely with the swarm's 10 s grace.
 */
async function tasksGone(docker: Docker, labels: string[]): Promise<void> {
  const filters = JSON.stringify({ label: labels.concat('com.docker.swarm.service.id') });
  const deadline = Date.now() + SERVICE_REMOVAL_TIMEOUT_MS;
  // (the swarm keeps a removed service's task records a while longer: its containers are what matter)
  while ((await docker.listContainers({ all: true, filters })).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** How long a bridge network may report endpoints of containers already removed. */
const STALE_ENDPOINT_TIMEOUT_MS = 5_000;

/**
 * An overlay network stays "in use" for a moment after its services' tasks went: try again until
 * it goes. A bridge network refused with "has active endpoints" once every container on it is
 * gone holds endpoints the engine has not let go of (dockerd 20.10 can keep one after a
 * `rm -f` that raced another change of the network): those of containers that no longer exist,
 * or of this session's own, are disconnected by force and the removal tried again. Anyone
 * else's container on it is named in the error instead.
 */
async function removeNetwork(docker: Docker, id: string, afterServices: boolean, labels: string[]): Promise<void> {
  const deadline = Date.now() + (afterServices ? SERVICE_REMOVAL_TIMEOUT_MS : STALE_ENDPOINT_TIMEOUT_MS);
  for (;;) {
    try {
      await docker.getNetwork(id).remove();
      // A swarm accepts an overlay network's removal before this node lets go of its copy: the
      // down is done when the engine no longer lists it (else a listing right after still sees it).
      if (afterServices) await networkUnlisted(docker, id, deadline);
      return;
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404) return;
      if (Date.now() > deadline || (code !== 403 && code !== 409 && code !== 500)) throw err;
      if (!afterServices && code === 403 && /active endpoints/i.test((err as Error).message)) {
        const { foreign, listed } = await disconnectStaleEndpoints(docker, id, labels);
        if (foreign.length) throw new Error(`${(err as Error).message}: containers of no session of this workbench are on it (${foreign.join(', ')})`, { cause: err });
        if (listed === 0 && Date.now() + 200 > deadline) {
          throw new Error(`${(err as Error).message}, though no container is on it: the engine lost count of its endpoints (a dockerd 20.10 fault); it can be removed once dockerd restarts`, { cause: err });
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Until the engine lists no network `id` (or `deadline`, ms since the epoch, passes). */
async function networkUnlisted(docker: Docker, id: string, deadline: number): Promise<void> {
  while ((await docker.listNetworks({ filters: JSON.stringify({ id: [id] }) })).some((n) => n.Id === id) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Force off a network the endpoints of containers that are gone or carry `labels`; names the others. */
async function disconnectStaleEndpoints(docker: Docker, id: string, labels: string[]): Promise<{ foreign: string[]; listed: number }> {
  const info = (await docker.getNetwork(id).inspect().catch(() => undefined)) as Docker.NetworkInspectInfo | undefined;
  const foreign: string[] = [];
  for (const [containerId, ep] of Object.entries(info?.Containers ?? {})) {
    const container = await docker.getContainer(containerId).inspect().catch((e: { statusCode?: number }) => (e.statusCode === 404 ? null : undefined));
    const ours = container && labels.every((l) => container.Config.Labels?.[l.slice(0, l.indexOf('='))] === l.slice(l.indexOf('=') + 1));
    if (container === null || ours) await docker.getNetwork(id).disconnect({ Container: containerId, Force: true }).catch(() => undefined);
    else foreign.push(ep.Name || containerId);
  }
  return { foreign, listed: Object.keys(info?.Containers ?? {}).length };
}

/** Stop the running containers carrying the labels (SIGTERM, SIGKILL after each one's stop timeout), side by side. */
export async function stopLabelled(docker: Docker, labels: string[]): Promise<void> {
  const running = await docker.listContainers({ filters: JSON.stringify({ label: labels, status: ['running'] }) });
  await Promise.all(
    running.map((c) =>
      docker
        .getContainer(c.Id)
        .stop()
        .catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode === 304) return; // already stopped
          return ignoreGone(err);
        }),
    ),
  );
}

export function sessionLabelFilter(session: string, homeTag: string): string[] {
  return [`${LABEL_SESSION}=${session}`, `${LABEL_HOME}=${homeTag}`];
}

/** Session keys (home tag + session + home path) of every labelled resource in the engine. */
export async function labelledSessions(docker: Docker): Promise<Array<{ session: string; home: string; homePath?: string }>> {
  const all = await listLabelled(docker, [LABEL_SESSION]);
  const keys = new Map<string, { session: string; home: string; homePath?: string }>();
  const note = (labels: Record<string, string> | null | undefined) => {
    if (!labels?.[LABEL_SESSION]) return;
    const key = { session: labels[LABEL_SESSION], home: labels[LABEL_HOME] ?? '', ...(labels[LABEL_HOME_PATH] ? { homePath: labels[LABEL_HOME_PATH] } : {}) };
    keys.set(`${key.home}\u0000${key.session}`, key);
  };
  for (const s of all.services) note(s.Spec?.Labels);
  for (const c of all.containers) note(c.Labels);
  for (const n of all.networks) note(n.Labels);
  for (const v of all.volumes) note(v.Labels);
  return [...keys.values()];
}
