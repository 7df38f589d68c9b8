import type Docker from 'dockerode';
import { LABEL_HOME, LABEL_HOME_PATH, LABEL_SESSION } from './labels';

export interface LabelledResources {
  containers: Docker.ContainerInfo[];
  networks: Docker.NetworkInspectInfo[];
  volumes: Array<{ Name: string; Labels: Record<string, string> | null }>;
}

/** Everything in the engine carrying the given label filters (all states, not only running). */
export async function listLabelled(docker: Docker, labels: string[]): Promise<LabelledResources> {
  const filters = JSON.stringify({ label: labels });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }).then((r) => (r.Volumes ?? []) as LabelledResources['volumes']),
  ]);
  return { containers, networks, volumes };
}

const ignoreGone = (err: unknown) => {
  const code = (err as { statusCode?: number }).statusCode;
  if (code === 404) return; // already gone: the goal is reached
  throw err;
};

export interface RemovalCounts {
  containers: number;
  networks: number;
  volumes: number;
}

/**
 * Remove containers (killed: force), then networks and volumes together (they are in use until
 * the containers are gone). Idempotent: resources that vanished meanwhile are fine.
 */
export async function removeLabelled(docker: Docker, labels: string[]): Promise<RemovalCounts> {
  const found = await listLabelled(docker, labels);
  await Promise.all(found.containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone)));
  await Promise.all([
    ...found.networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreGone)),
    ...found.volumes.map((v) => docker.getVolume(v.Name).remove({ force: true } as object).catch(ignoreGone)),
  ]);
  return { containers: found.containers.length, networks: found.networks.length, volumes: found.volumes.length };
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
  for (const c of all.containers) note(c.Labels);
  for (const n of all.networks) note(n.Labels);
  for (const v of all.volumes) note(v.Labels);
  return [...keys.values()];
}
