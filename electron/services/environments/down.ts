import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { recordEvent } from '../record';
import { signalAgent } from './agent-spawn';
import { homeTag } from './labels';
import { isProcessAlive } from './process-identity';
import { labelledSessions, removeLabelled, sessionLabelFilter, type RemovalCounts } from './resources';
import { removeUnusedEdgeNetworks } from './sandbox';
import { sessionRuntime } from './runtime';
import { requireEngine, sessionsRoot } from './session-info';
import { SessionStore, type SessionRecord } from './state-store';

export interface DownReport {
  session: string;
  removed: RemovalCounts;
  agentStopped: boolean;
}

/**
 * Remove every container, network and volume labelled with the session (whatever the state
 * file says: the labels are the truth), stop its agent, and mark it down. The session folder
 * stays: received spans, replays and the record belong to the incident's history.
 */
export async function downSession(docker: Docker, stateDir: string, name: string): Promise<DownReport> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const record = store.read(name);
  await requireEngine(docker);
  const removed = await sessionRuntime(docker, record ?? {}).removeSession(sessionLabelFilter(name, homeTag(stateDir)));
  // The home's edge network goes with its last session's gate.
  await removeUnusedEdgeNetworks(docker, stateDir).catch(() => 0);
  if (!record && (removed.services ?? 0) + removed.containers + removed.networks + removed.volumes === 0) {
    throw new WorkbenchError('not_found', `No session named "${name}" (see repro status)`);
  }
  let agentStopped = false;
  if (record) {
    store.write({ ...record, phase: 'down', upOwner: undefined } as SessionRecord);
    agentStopped = signalAgent(record.agent, isProcessAlive);
    await removeUnpackedBundle(stateDir, record);
    if (record.phase === 'running') recordEvent({ name, bundleId: record.bundleId, createdAt: record.createdAt }, { kind: 'down', data: { removed } }, { stateDir });
  }
  return { session: name, removed, agentStopped };
}

/**
 * An archive bundle was unpacked under <state>/bundles/ for the session's life; a folder bundle
 * is the user's and stays. Only a path inside that folder is ever removed.
 */
async function removeUnpackedBundle(stateDir: string, record: SessionRecord): Promise<void> {
  const unpackRoot = resolve(stateDir, 'bundles') + sep;
  const root = resolve(record.bundleRoot);
  if (!root.startsWith(unpackRoot)) return;
  const others = new SessionStore(sessionsRoot(stateDir)).list().filter((r) => r.name !== record.name && r.phase !== 'down' && resolve(r.bundleRoot) === root);
  if (others.length === 0) await rm(root.slice(0, unpackRoot.length + root.slice(unpackRoot.length).split(sep)[0]!.length), { recursive: true, force: true });
}

export interface GcReport {
  collected: Array<{ session: string; reason: string; removed: RemovalCounts }>;
}

/** Why a session is an orphan, or undefined when its owner is still alive. */
export function orphanReason(record: SessionRecord): string | undefined {
  if (record.phase === 'starting' || record.phase === 'stopping') {
    return isProcessAlive(record.upOwner) ? undefined : `its ${record.phase === 'starting' ? 'up' : 'down'} process is gone`;
  }
  if (record.phase === 'running') return isProcessAlive(record.agent) ? undefined : 'its agent process is gone';
  return undefined;
}

/**
 * Remove resources of sessions whose owner is gone: interrupted ups (kill -9), sessions whose
 * agent died, labelled leftovers with no live session in this home, and leftovers of homes
 * that no longer exist (deleted temp dirs). Live sessions, here or in other homes, are untouched.
 */
export async function gcSessions(docker: Docker, stateDir: string): Promise<GcReport> {
  await requireEngine(docker);
  const store = new SessionStore(sessionsRoot(stateDir));
  const myHome = homeTag(stateDir);
  const collected: GcReport['collected'] = [];
  const live = new Set<string>();
  for (const record of store.list()) {
    const reason = orphanReason(record);
    if (!reason) {
      if (record.phase === 'starting' || record.phase === 'running' || record.phase === 'stopping') live.add(record.name);
      continue;
    }
    signalAgent(record.agent, isProcessAlive, 'SIGKILL');
    const removed = await sessionRuntime(docker, record).removeSession(sessionLabelFilter(record.name, myHome));
    store.write({ ...record, phase: 'down', upOwner: undefined, error: { message: `collected by gc: ${reason}` } } as SessionRecord);
    collected.push({ session: record.name, reason, removed });
  }
  for (const key of await labelledSessions(docker)) {
    const mine = key.home === myHome;
    if (mine && live.has(key.session)) continue;
    if (!mine && (!key.homePath || existsSync(key.homePath))) continue; // another live home's business
    const removed = await removeLabelled(docker, sessionLabelFilter(key.session, key.home));
    if ((removed.services ?? 0) + removed.containers + removed.networks + removed.volumes > 0 && !collected.some((c) => c.session === key.session && mine)) {
      collected.push({ session: key.session, reason: mine ? 'labelled resources without a live session' : `its workbench home ${key.homePath} no longer exists`, removed });
    }
  }
  await removeUnusedEdgeNetworks(docker, stateDir).catch(() => 0);
  return { collected };
}
