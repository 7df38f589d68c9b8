import { randomBytes } from 'node:crypto';
import type { environmentMethods } from '../../../shared/api/methods/environment';
import { WorkbenchError } from '../../../shared/api/errors';
import { engineStatus } from '../../services/docker-engine';
import {
  downSession,
  gcSessions,
  getSession,
  listSessions,
  readSessionManifestOf,
  restartService,
  secretNeeds,
  SECRET_ENV_PREFIX,
  sessionDrift,
  stopService,
  streamLogs,
  upFromPath,
} from '../../services/environments';
import { getOpenBundle } from '../../services/open-bundles';
import { areaState, type Workbench } from '../../services/workbench';
import type { HandlerMap } from './types';

interface EnvArea {
  /** gc runs once per app start, before the first listing: leftovers of a crash go away. */
  collected?: Promise<unknown>;
  follows: Map<string, AbortController>;
}
const area = (wb: Workbench) => areaState<EnvArea>(wb, 'environments', () => ({ follows: new Map() }));

/** Called by each host at start, and before the first listing: leftovers of a crash go away. */
export async function collectOnce(wb: Workbench): Promise<void> {
  const a = area(wb);
  a.collected ??= engineStatus(wb.docker, 3000, wb.env).then((s) => (s.reachable ? gcSessions(wb.docker, wb.stateDir) : undefined)).catch(() => undefined);
  await a.collected;
}

export const environmentHandlers: HandlerMap<keyof typeof environmentMethods> = {
  'env.list': async ({ all, probe }, { wb }) => {
    await collectOnce(wb);
    const engine = await engineStatus(wb.docker, 3000, wb.env);
    const sessions = await listSessions(wb.docker, wb.stateDir, { ...(all ? { all } : {}), probe: Boolean(probe) && engine.reachable, engine });
    return { engine, sessions };
  },
  'env.get': async ({ session }, { wb }) => getSession(wb.docker, wb.stateDir, session, { probe: true }),
  'env.secrets': async ({ handle }, { wb }) =>
    secretNeeds(getOpenBundle(wb, handle).manifest).map((n) => ({ ...n, available: wb.env[SECRET_ENV_PREFIX + n.name] !== undefined })),
  'env.up': async ({ handle, session, secrets }, { wb, emit }) => {
    const opened = getOpenBundle(wb, handle);
    let last = 0;
    try {
      const report = await upFromPath({
        // The session keeps its own copy open (an archive is unpacked under the state folder),
        // so closing the bundle in the UI does not pull the files from under a running session.
        bundlePath: opened.packed ? opened.source : opened.root,
        ...(session ? { session } : {}),
        secrets: { env: wb.env, ...(secrets ? { provided: secrets } : {}) },
        docker: wb.docker,
        stateDir: wb.stateDir,
        env: wb.env,
        onProgress: (p) => {
          const now = Date.now();
          if (!p.finished && p.unit === 'bytes' && now - last < 100) return;
          last = now;
          emit('progress', p);
        },
      });
      emit('sessionsChanged', { reason: 'up', session: report.session });
      return report;
    } catch (err) {
      emit('sessionsChanged', { reason: 'up-failed', ...(session ? { session } : {}) });
      throw err;
    }
  },
  'env.down': async ({ session }, { wb, emit }) => {
    const report = await downSession(wb.docker, wb.stateDir, session);
    emit('sessionsChanged', { reason: 'down', session });
    return report;
  },
  'env.gc': async (_input, { wb, emit }) => {
    const report = await gcSessions(wb.docker, wb.stateDir);
    if (report.collected.length) emit('sessionsChanged', { reason: 'gc' });
    return report;
  },
  'env.drift': async ({ session }, { wb }) => {
    const { record, manifest } = readSessionManifestOf(wb.stateDir, session);
    if (!manifest) throw new WorkbenchError('not_found', `The bundle of session "${session}" is no longer at ${record.bundleRoot}`);
    return sessionDrift(wb.docker, manifest, record);
  },
  'env.logs': async ({ session, service, tail }, { wb }) => {
    const lines: Parameters<Parameters<typeof streamLogs>[0]['onLine']>[0][] = [];
    await streamLogs({ docker: wb.docker, stateDir: wb.stateDir, session, ...(service ? { service } : {}), ...(tail !== undefined ? { tail } : {}), onLine: (e) => lines.push(e) });
    return lines;
  },
  'env.logsFollow': async ({ session, service }, { wb, emit }) => {
    const subscription = randomBytes(8).toString('hex');
    const controller = new AbortController();
    area(wb).follows.set(subscription, controller);
    // Only new lines: history comes from env.logs, so nothing is shown twice.
    void streamLogs({ docker: wb.docker, stateDir: wb.stateDir, session, ...(service ? { service } : {}), follow: true, tail: 0, signal: controller.signal, onLine: (e) => emit('log', e) })
      .catch(() => undefined)
      .finally(() => area(wb).follows.delete(subscription));
    return { subscription };
  },
  'env.logsStop': async ({ subscription }, { wb }) => {
    const c = area(wb).follows.get(subscription);
    c?.abort();
    area(wb).follows.delete(subscription);
    return { stopped: Boolean(c) };
  },
  'env.restartService': async ({ session, service }, { wb, emit }) => {
    const r = await restartService(wb.docker, wb.stateDir, session, service);
    emit('sessionsChanged', { reason: 'restart', session });
    return r;
  },
  'env.stopService': async ({ session, service }, { wb, emit }) => {
    await stopService(wb.docker, wb.stateDir, session, service);
    emit('sessionsChanged', { reason: 'stop-service', session });
    return { stopped: true as const };
  },
};
