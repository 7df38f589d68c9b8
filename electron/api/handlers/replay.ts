import type { replayMethods, ReplayLiveUpdate } from '../../../shared/api/methods/replay';
import type { ReplayResult } from '../../../shared/replay/report';
import { getSession } from '../../services/environments';
import { replaySession, sessionForReplay, suggestNoiseFor } from '../../services/replay';
import { readUnmatched } from '../../services/replay/fixtures-stub';
import { acceptNoise, listReplays, readAcceptedNoise, readReplay, removeAcceptedNoise } from '../../services/replay/store';
import type { Workbench } from '../../services/workbench';
import { sessionRuns } from './session-runs';
import type { HandlerMap } from './types';

/** Running replays (and noise suggestions) by session: one at a time per session, stoppable. */
const runs = sessionRuns('replay', 'a replay');

const sessionDir = async (wb: Workbench, session: string) => (await getSession(wb.docker, wb.stateDir, session)).stateDir;

export const replayHandlers: HandlerMap<keyof typeof replayMethods> = {
  'replay.run': async ({ session, mode, concurrency, timeoutMs, gapCapMs, hostMap }, { wb, emit }) => {
    const ctl = runs.claim(wb, session);
    const topic = `replay:${session}`;
    let pending: ReplayResult[] = [];
    let lastEmit = 0;
    try {
      const report = await replaySession(wb.docker, wb.stateDir, session, {
        mode,
        concurrency,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(gapCapMs !== undefined ? { gapCapMs } : {}),
        ...(hostMap ? { hostMap } : {}),
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.last) pending.push(p.last);
          const now = Date.now();
          // At max rate there can be thousands of results a second: batch them, ~10 updates/s.
          if (p.done < p.total && now - lastEmit < 100) return;
          lastEmit = now;
          const update: ReplayLiveUpdate = { type: 'progress', total: p.total, sent: p.sent, done: p.done, matched: p.matched, mismatched: p.mismatched, errors: p.errors, results: pending };
          pending = [];
          emit('update', { topic, data: update });
          emit('progress', { task: topic, label: `Replaying ${session}`, done: p.done, total: p.total, unit: 'requests', ...(p.done === p.total ? { finished: true } : {}) });
        },
      });
      const done: ReplayLiveUpdate = { type: 'done', total: report.total, sent: report.sent, done: report.sent, matched: report.matched, mismatched: report.mismatched, errors: report.errors, reportId: report.id };
      emit('update', { topic, data: done });
      emit('update', { topic: `record:${session}`, data: { kind: 'replay' } });
      return report;
    } catch (err) {
      const failed: ReplayLiveUpdate = { type: 'failed', total: 0, sent: 0, done: 0, matched: 0, mismatched: 0, errors: 0, error: (err as Error).message };
      emit('update', { topic, data: failed });
      throw err;
    } finally {
      runs.release(wb, session);
    }
  },
  'replay.stop': async ({ session }, { wb }) => {
    return runs.stop(wb, session);
  },
  'replay.list': async ({ session }, { wb }) => listReplays(await sessionDir(wb, session)),
  'replay.get': async ({ session, id }, { wb }) => readReplay(await sessionDir(wb, session), id),
  'replay.suggestNoise': async ({ session }, { wb, emit }) => {
    const ctl = runs.claim(wb, session);
    try {
      const { session: info, manifest } = await sessionForReplay(wb.docker, wb.stateDir, session);
      let run = 1;
      const result = await suggestNoiseFor({
        session: info,
        bundle: { root: info.bundleRoot, manifest },
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.done === p.total || p.done % 25 === 0) emit('progress', { task: `replay-noise:${session}`, label: `Noise: replay ${run} of 2`, done: p.done + (run - 1) * p.total, total: 2 * p.total, unit: 'requests', ...(run === 2 && p.done === p.total ? { finished: true } : {}) });
          if (p.done === p.total) run = 2;
        },
      });
      return { ...result, accepted: await readAcceptedNoise(info.stateDir) };
    } finally {
      runs.release(wb, session);
    }
  },
  'replay.noise': async ({ session }, { wb }) => ({ accepted: await readAcceptedNoise(await sessionDir(wb, session)) }),
  'replay.acceptNoise': async ({ session, paths }, { wb }) => ({ accepted: await acceptNoise(await sessionDir(wb, session), paths) }),
  'replay.removeNoise': async ({ session, paths }, { wb }) => ({ accepted: await removeAcceptedNoise(await sessionDir(wb, session), paths) }),
  'replay.unmatched': async ({ session }, { wb }) => readUnmatched(await sessionDir(wb, session)),
};
