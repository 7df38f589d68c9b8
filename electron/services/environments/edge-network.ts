/**
 * The home's edge network: a normal bridge that only the sessions' gates join (sandbox.ts),
 * where the agent listens for them. It is made by the first up of a home and goes with the last
 * gate on it. Kept apart from the gate's code so a `down` loads only this.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { homeTag, LABEL_HOME, LABEL_HOME_PATH, LABEL_ROLE } from './labels';
import { isProcessAlive } from './process-identity';
import { SessionStore } from './state-store';

/** A fresh name per edge network: the engine keeps a container's networks by name, so two must never share one. */
export function edgeNetworkName(stateDir: string): string {
  return `repro-edge-${homeTag(stateDir)}-${randomBytes(3).toString('hex')}`;
}

/**
 * The home's edge network, created on first use and shared by the gates of its sessions (it
 * saves the engine's small pool of network subnets). Only gates join it, and they cannot talk
 * to each other (icc off). Found by its labels: two ups at once may each make one; both work,
 * and the spare goes when unused.
 */
export async function ensureEdgeNetwork(docker: Docker, stateDir: string): Promise<Docker.NetworkInspectInfo> {
  const found = await findEdgeNetwork(docker, stateDir);
  if (found) return found;
  const name = edgeNetworkName(stateDir);
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Labels: { [LABEL_HOME]: homeTag(stateDir), [LABEL_HOME_PATH]: stateDir, [LABEL_ROLE]: 'edge' },
    Options: { 'com.docker.network.bridge.enable_icc': 'false' },
  });
  const made = await findEdgeNetwork(docker, stateDir);
  if (!made) throw new WorkbenchError('internal', `network ${name} vanished right after it was created`);
  return made;
}

async function findEdgeNetwork(docker: Docker, stateDir: string): Promise<Docker.NetworkInspectInfo | undefined> {
  const labels = [`${LABEL_ROLE}=edge`, `${LABEL_HOME}=${homeTag(stateDir)}`];
  const all = (await docker.listNetworks({ filters: JSON.stringify({ label: labels }) })).sort((a, b) => (a.Id < b.Id ? -1 : 1));
  for (const n of all) {
    const info = await docker.getNetwork(n.Id).inspect().catch(() => undefined);
    if (info) return info as Docker.NetworkInspectInfo;
  }
  return undefined;
}

/** An edge network that may go once no gate uses it; `mine`: this home's. */
export interface EdgeCandidate {
  id: string;
  mine: boolean;
}

/**
 * Edge networks that may go once no gate uses them: this home's and those of homes that no
 * longer exist. Listing them needs no gate to be gone yet, so a `down` asks while its containers
 * are being removed.
 */
export async function edgeNetworksToRemove(docker: Docker, stateDir: string): Promise<EdgeCandidate[]> {
  const networks = await docker.listNetworks({ filters: JSON.stringify({ label: [`${LABEL_ROLE}=edge`] }) });
  const home = homeTag(stateDir);
  const out: EdgeCandidate[] = [];
  for (const n of networks) {
    const path = n.Labels?.[LABEL_HOME_PATH];
    if (n.Labels?.[LABEL_HOME] === home) out.push({ id: n.Id, mine: true });
    else if (path && !existsSync(path)) out.push({ id: n.Id, mine: false }); // else a live home's business
  }
  return out;
}

/** An up of this home that is still starting may have picked an edge network whose gate is not attached yet. */
function upStarting(stateDir: string): boolean {
  return new SessionStore(join(stateDir, 'sessions')).list().some((r) => r.phase === 'starting' && isProcessAlive(r.upOwner));
}

/**
 * Remove those of `candidates` no gate uses, side by side; this home's none while one of its ups
 * is starting (asked now, right before). Otherwise the engine's own refusal of a network with a
 * container on it (another session's gate) is the check: such a network stays, which is fine.
 */
export async function removeIdleEdgeNetworks(docker: Docker, stateDir: string, candidates: EdgeCandidate[]): Promise<number> {
  const keepMine = candidates.some((c) => c.mine) && upStarting(stateDir);
  const removed = await Promise.all(candidates.filter((c) => !(c.mine && keepMine)).map((c) => docker.getNetwork(c.id).remove().then(() => true, () => false)));
  return removed.filter(Boolean).length;
}

/** Remove edge networks no gate uses (edgeNetworksToRemove, then removeIdleEdgeNetworks). */
export async function removeUnusedEdgeNetworks(docker: Docker, stateDir: string): Promise<number> {
  return removeIdleEdgeNetworks(docker, stateDir, await edgeNetworksToRemove(docker, stateDir));
}
