import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { recordEvent as RecordEvent } from '../record';
import type { LedgerReplay } from '../gameday/ledger';
import { signalAgent } from './agent-spawn';
import { edgeNetworksToRemove, removeIdleEdgeNetworks, removeUnusedEdgeNetworks } from './edge-network';
import { homeTag } from './labels';
import { isProcessAlive } from './process-identity';
import { labelledSessions, removeLabelled, sessionLabelFilter, stopLabelled, type RemovalCounts, type RemoveOptions } from './resources';
import { requireEngine } from '../docker-engine';
import { assertSessionEngine, otherEngine } from './runtime/engine-guard';
import { orphanReason, SessionStore, sessionsRoot, type SessionRecord } from './state-store';
import { timed, timedSince } from '../timing';

export interface DownReport {
  session: string;
  removed: RemovalCounts;
  agentStopped: boolean;
}

export interface DownOptions {
  /**
   * Stop each container first (SIGTERM, then SIGKILL after its stop timeout) so services can
   * shut down cleanly. Default: they are killed and removed at once (a repro environment holds
   * nothing worth a clean shutdown, and nobody should wait for one they did not ask for).
   */
  graceful?: boolean;
}

/**
 * Remove every container, network and volume labelled with the session (whatever the state
 * file says: the labels are the truth), stop its agent, and mark it down. The session folder
 * stays: received spans, replays and the record belong to the incident's history.
 */
export async function downSession(docker: Docker, stateDir: string, name: string, opts: DownOptions = {}): Promise<DownReport> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const record = store.read(name);
  if (record) await assertSessionEngine(docker, record);
  // The record (SQLite) is needed only at the end, when there is something to record: it loads
  // while the engine removes the containers, not after.
  const recordModule = record?.phase === 'running' ? import('../record') : undefined;
  recordModule?.catch(() => {});
  // The engine check's round trip overlaps the listing of what to remove (a graceful down stops
  // containers first, so it asks first).
  const engineReady = timed('down: engine check (alongside the listing)', () => requireEngine(docker));
  if (opts.graceful) {
    await engineReady;
    await timed('down: stop containers (graceful)', () => stopLabelled(docker, sessionLabelFilter(name, homeTag(stateDir))));
  }
  // The home's edge network goes with its last session's gate. Which edge networks may go is
  // asked while the containers are removed; the removal itself follows as soon as they (the gate
  // among them) are gone, beside the session network's and volumes'.
  const edgeCandidates = engineReady.then(() => edgeNetworksToRemove(docker, stateDir));
  edgeCandidates.catch(() => {});
  let edgeCleanup: Promise<number> | undefined;
  const removeEdge = () => {
    const edgeStart = performance.now();
    edgeCleanup ??= edgeCandidates
      .then((candidates) => removeIdleEdgeNetworks(docker, stateDir, candidates))
      .catch(() => 0)
      .finally(() => timedSince('down: remove an unused edge network (alongside)', edgeStart));
  };
  const removed = await timed('down: remove containers, network, volumes', () =>
    removeSession(docker, record, sessionLabelFilter(name, homeTag(stateDir)), { engineReady, onContainersGone: removeEdge }),
  );
  removeEdge();
  if (!record && (removed.services ?? 0) + removed.containers + removed.networks + removed.volumes === 0) {
    await edgeCleanup;
    throw new WorkbenchError('not_found', `No session named "${name}" (see repro status)`);
  }
  let agentStopped = false;
  if (record) {
    const finishing = performance.now();
    store.write({ ...record, phase: 'down', upOwner: undefined } as SessionRecord);
    agentStopped = signalAgent(record.agent, isProcessAlive);
    await removeUnpackedBundle(stateDir, record);
    timedSince('down: stop the agent', finishing);
    const recording = performance.now();
    const recordEvent: typeof RecordEvent = recordModule ? (await recordModule).recordEvent : () => {};
    if (record.phase === 'running') recordEvent({ name, bundleId: record.bundleId, createdAt: record.createdAt }, { kind: 'down', data: { removed } }, { stateDir });
    timedSince('down: the session record', recording);
  }
  await edgeCleanup;
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

/**
 * Remove a session's resources through its runtime. Labels find everything on every runtime
 * (swarm services included), so only what labels cannot find loads its runtime: a swarm
 * session's pushed images. A local down loads no runtime code (start-up cost, issue 16).
 */
async function removeSession(docker: Docker, record: SessionRecord | undefined, labels: string[], opts: RemoveOptions = {}): Promise<RemovalCounts> {
  if (!record?.runtime || record.runtime.kind === 'local') return removeLabelled(docker, labels, opts);
  await opts.engineReady;
  const { sessionRuntime } = await import('./runtime');
  return sessionRuntime(docker, record).removeSession(labels);
}

export interface GcReport {
  collected: Array<{ session: string; reason: string; removed: RemovalCounts }>;
  /** Faults of game days whose process died, reverted from their undo ledgers. */
  faultsReverted: LedgerReplay[];
  /**
   * Sessions whose resources the engine refused to remove (each tried on its own, so one stuck
   * network does not keep the rest). `leftover`: resources of a workbench home that no longer
   * exists, nobody's live work.
   */
  failed: Array<{ session: string; leftover: boolean; error: string }>;
}

/**
 * Remove resources of sessions whose owner is gone: interrupted ups (kill -9), sessions whose
 * agent died, labelled leftovers with no live session in this home, and leftovers of homes
 * that no longer exist (deleted temp dirs). Live sessions, here or in other homes, are untouched.
 */
export async function gcSessions(docker: Docker, stateDir: string): Promise<GcReport> {
  await requireEngine(docker);
  // First: a killed game day's faults (a stopped or paused service of a live session) go back.
  // (the game day modules load only here: a down or an up has no business with them)
  const faultsReverted = await (await import('../gameday/ledger')).replayOrphanedLedgers(docker, stateDir);
  const store = new SessionStore(sessionsRoot(stateDir));
  const myHome = homeTag(stateDir);
  const collected: GcReport['collected'] = [];
  const failed: GcReport['failed'] = [];
  const live = new Set<string>();
  for (const record of store.list()) {
    const reason = orphanReason(record);
    const elsewhere = reason ? await otherEngine(docker, record) : undefined;
    if (elsewhere) {
      // its resources are on another engine: collecting it here would remove nothing and call it gone
      failed.push({ session: record.name, leftover: false, error: `${reason}; ${elsewhere}` });
      continue;
    }
    if (!reason) {
      if (record.phase === 'starting' || record.phase === 'running' || record.phase === 'stopping') live.add(record.name);
      continue;
    }
    signalAgent(record.agent, isProcessAlive, 'SIGKILL');
    let removed: RemovalCounts;
    try {
      removed = await removeSession(docker, record, sessionLabelFilter(record.name, myHome));
    } catch (err) {
      failed.push({ session: record.name, leftover: false, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    store.write({ ...record, phase: 'down', upOwner: undefined, error: { message: `collected by gc: ${reason}` } } as SessionRecord);
    collected.push({ session: record.name, reason, removed });
  }
  for (const key of await labelledSessions(docker)) {
    const mine = key.home === myHome;
    if (mine && live.has(key.session)) continue;
    if (!mine && (!key.homePath || existsSync(key.homePath))) continue; // another live home's business
    let removed: RemovalCounts;
    try {
      removed = await removeLabelled(docker, sessionLabelFilter(key.session, key.home));
    } catch (err) {
      if (!failed.some((f) => f.session === key.session && mine)) failed.push({ session: key.session, leftover: !mine, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if ((removed.services ?? 0) + removed.containers + removed.networks + removed.volumes > 0 && !collected.some((c) => c.session === key.session && mine)) {
      collected.push({ session: key.session, reason: mine ? 'labelled resources without a live session' : `its workbench home ${key.homePath} no longer exists`, removed });
    }
  }
  await removeUnusedEdgeNetworks(docker, stateDir).catch(() => 0);
  return { collected, faultsReverted, failed };
}
