import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { environmentMethods } from '../../../shared/api/methods/environment';
import { WorkbenchError } from '../../../shared/api/errors';
import { engineStatus } from '../../services/docker-engine';
import type { Connection } from '../../services/event-bus';
import type { streamLogs as StreamLogs } from '../../services/environments/logs';
import { trustedKeysDir } from '../../services/paths';
import { areaState, type Workbench } from '../../services/workbench';
import type { HandlerMap } from './types';

/** One engine log stream per session (and service), shared by every subscription that follows it. */
interface SharedFollow {
  controller: AbortController;
  subscribers: Map<string, Connection>;
}

interface EnvArea {
  /** gc runs once per app start, before the first listing: leftovers of a crash go away. */
  collected?: Promise<unknown>;
  follows: Map<string, SharedFollow>;
  /** subscription id -> which follow it reads, and its remover from the connection's close hooks */
  subscriptions: Map<string, { key: string; removeCloseHook: () => void }>;
}
// Each handler loads the services it calls when first called: `repro down` loads down's code,
// not the up's (gate, images, runtimes, fault proxy), which is most of this area (issue 16).
const environments = () => import('../../services/environments');
const downModule = () => import('../../services/environments/down');
const openBundles = () => import('../../services/open-bundles');

const area = (wb: Workbench) => areaState<EnvArea>(wb, 'environments', () => ({ follows: new Map(), subscriptions: new Map() }));

function stopFollowing(wb: Workbench, subscription: string): boolean {
  const a = area(wb);
  const sub = a.subscriptions.get(subscription);
  if (!sub) return false;
  a.subscriptions.delete(subscription);
  sub.removeCloseHook();
  const shared = a.follows.get(sub.key);
  shared?.subscribers.delete(subscription);
  if (shared && shared.subscribers.size === 0) {
    shared.controller.abort(); // the last follower left: the engine stream goes too
    a.follows.delete(sub.key);
  }
  return true;
}

/** Called by each host at start, and before the first listing: leftovers of a crash go away. */
export async function collectOnce(wb: Workbench): Promise<void> {
  const a = area(wb);
  a.collected ??= engineStatus(wb.docker, 3000, wb.env)
    .then(async (s) => (s.reachable ? (await downModule()).gcSessions(wb.docker, wb.stateDir) : undefined))
    .catch(() => undefined);
  await a.collected;
}

export const environmentHandlers: HandlerMap<keyof typeof environmentMethods> = {
  'env.list': async ({ all, probe }, { wb }) => {
    await collectOnce(wb);
    const engine = await engineStatus(wb.docker, 3000, wb.env);
    const { listSessions } = await environments();
    const sessions = await listSessions(wb.docker, wb.stateDir, { ...(all ? { all } : {}), probe: Boolean(probe) && engine.reachable, engine });
    return { engine, sessions };
  },
  'env.get': async ({ session }, { wb }) => (await environments()).getSession(wb.docker, wb.stateDir, session, { probe: true }),
  'env.secrets': async ({ handle }, { wb }) => {
    const { secretNeeds, SECRET_ENV_PREFIX } = await environments();
    const { getOpenBundle } = await openBundles();
    return secretNeeds(getOpenBundle(wb, handle).manifest).map((n) => ({ ...n, available: wb.env[SECRET_ENV_PREFIX + n.name] !== undefined }));
  },
  'env.up': async ({ handle, path, session, secrets, keys, allowEgress, requireSignature, runtime, replicas, registry, advertiseHost }, { wb, emit, signal, progress }) => {
    // The session keeps its own copy open (an archive is unpacked under the state folder), so
    // closing the bundle in the UI does not pull the files from under a running session.
    const opened = handle ? (await openBundles()).getOpenBundle(wb, handle) : undefined;
    const bundlePath = opened ? (opened.packed ? opened.source : opened.root) : resolve(path!);
    progress({ label: `Bringing up ${opened ? opened.manifest.incident.id : bundlePath}`, done: 0 });
    try {
      const { upFromPath } = await environments();
      const report = await upFromPath({
        bundlePath,
        ...(session ? { session } : {}),
        secrets: { env: wb.env, ...(secrets ? { provided: secrets } : {}) },
        docker: wb.docker,
        stateDir: wb.stateDir,
        env: wb.env,
        ...(keys?.length ? { keys } : {}),
        ...(allowEgress ? { allowEgress } : {}),
        ...(requireSignature ? { requireSignature } : {}),
        ...(runtime ? { runtime } : {}),
        ...(replicas ? { replicas } : {}),
        ...(registry ? { registry } : {}),
        ...(advertiseHost ? { advertiseHost } : {}),
        trustedKeysDir: trustedKeysDir(wb.env),
        signal,
        // each task of the up (an image load, a service start) is a part with its own bar
        onProgress: (p) => progress({ part: p.task, label: p.label, done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.unit ? { unit: p.unit } : {}), ...(p.finished ? { finished: true } : {}) }),
      });
      emit('sessionsChanged', { reason: 'up', session: report.session });
      return report;
    } catch (err) {
      emit('sessionsChanged', { reason: signal.aborted ? 'up-cancelled' : 'up-failed', ...(session ? { session } : {}) });
      throw err;
    }
  },
  'env.down': async ({ session, graceful }, { wb, emit, progress }) => {
    progress({ label: `Removing session ${session}`, done: 0 });
    const report = await (await downModule()).downSession(wb.docker, wb.stateDir, session, { graceful: graceful === true });
    emit('sessionsChanged', { reason: 'down', session });
    return report;
  },
  'env.gc': async (_input, { wb, emit }) => {
    const report = await (await downModule()).gcSessions(wb.docker, wb.stateDir);
    if (report.collected.length) emit('sessionsChanged', { reason: 'gc' });
    return report;
  },
  'env.drift': async ({ session }, { wb }) => {
    const { readSessionManifestOf, sessionDrift } = await environments();
    const { record, manifest } = readSessionManifestOf(wb.stateDir, session);
    if (!manifest) throw new WorkbenchError('not_found', `The bundle of session "${session}" is no longer at ${record.bundleRoot}`);
    return sessionDrift(wb.docker, manifest, record);
  },
  'env.logs': async ({ session, service, tail }, { wb }) => {
    const lines: Parameters<Parameters<typeof StreamLogs>[0]['onLine']>[0][] = [];
    const { streamLogs } = await environments();
    await streamLogs({ docker: wb.docker, stateDir: wb.stateDir, session, ...(service ? { service } : {}), ...(tail !== undefined ? { tail } : {}), onLine: (e) => lines.push(e) });
    return lines;
  },
  'env.logsFollow': async ({ session, service }, { wb, client }) => {
    // Lines go to the calling connection only, and stop when it closes.
    const conn = wb.events.connection(client);
    if (!conn) throw new WorkbenchError('invalid_argument', 'following logs needs an event connection (this client has none open)');
    const { readSessionManifestOf, streamLogs } = await environments();
    readSessionManifestOf(wb.stateDir, session); // not_found before anything starts
    const a = area(wb);
    const subscription = randomBytes(8).toString('hex');
    const key = `${session}\u0000${service ?? ''}`;
    let shared = a.follows.get(key);
    if (!shared) {
      const started: SharedFollow = { controller: new AbortController(), subscribers: new Map() };
      shared = started;
      a.follows.set(key, started);
      // Only new lines: history comes from env.logs, so nothing is shown twice.
      void streamLogs({
        docker: wb.docker,
        stateDir: wb.stateDir,
        session,
        ...(service ? { service } : {}),
        follow: true,
        tail: 0,
        signal: started.controller.signal,
        onLine: (e) => {
          for (const [id, c] of started.subscribers) c.send('log', { ...e, subscription: id });
        },
      })
        .catch(() => undefined)
        .finally(() => {
          if (a.follows.get(key) === started) a.follows.delete(key);
        });
    }
    shared.subscribers.set(subscription, conn);
    a.subscriptions.set(subscription, { key, removeCloseHook: conn.onClose(() => stopFollowing(wb, subscription)) });
    return { subscription };
  },
  'env.logsStop': async ({ subscription }, { wb }) => ({ stopped: stopFollowing(wb, subscription) }),
  'env.restartService': async ({ session, service }, { wb, emit }) => {
    const r = await (await environments()).restartService(wb.docker, wb.stateDir, session, service);
    emit('sessionsChanged', { reason: 'restart', session });
    return r;
  },
  'env.stopService': async ({ session, service }, { wb, emit }) => {
    await (await environments()).stopService(wb.docker, wb.stateDir, session, service);
    emit('sessionsChanged', { reason: 'stop-service', session });
    return { stopped: true as const };
  },
};
