import type { replayMethods, ReplayLiveBatch } from '../../../shared/api/methods/replay';
import type { ReplayResult } from '../../../shared/replay/report';
import { getSession } from '../../services/environments';
import { runReplay, sessionForReplay, suggestNoiseFor } from '../../services/replay';
import { readUnmatched } from '../../services/replay/fixtures-stub';
import { acceptNoise, listReplays, readAcceptedNoise, readReplay, removeAcceptedNoise } from '../../services/replay/store';
import type { Workbench } from '../../services/workbench';
import { sessionRuns } from './session-runs';
import { settleVerdictQuietly } from './verdict';
import type { HandlerMap } from './types';

/** Replays (and noise suggestions) by session: one at a time per session, across processes, stoppable. */
const runs = sessionRuns('replay', 'a replay', ['replay.run', 'replay.suggestNoise']);

const sessionDir = async (wb: Workbench, session: string) => (await getSession(wb.docker, wb.stateDir, session)).stateDir;

export const replayHandlers: HandlerMap<keyof typeof replayMethods> = {
  'replay.run': async ({ session, mode, concurrency, timeoutMs, gapCapMs, hostMap }, { wb, emit, op, signal, progress, detail }) => {
    const { session: info, manifest } = await sessionForReplay(wb.docker, wb.stateDir, session);
    const lock = runs.claim(wb, session, op);
    let pending: ReplayResult[] = [];
    let last: Omit<ReplayLiveBatch, 'results'> | undefined;
    let lastEmit = 0;
    const flush = () => {
      if (last) detail({ ...last, results: pending });
      pending = [];
    };
    try {
      progress({ label: `Replaying ${session}`, done: 0, unit: 'requests' });
      const report = await runReplay({
        session: info,
        bundle: { root: info.bundleRoot, manifest },
        recordStateDir: wb.stateDir,
        mode,
        concurrency,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(gapCapMs !== undefined ? { gapCapMs } : {}),
        ...(hostMap ? { hostMap } : {}),
        signal,
        onProgress: (p) => {
          if (p.last) pending.push(p.last);
          last = { total: p.total, sent: p.sent, done: p.done, matched: p.matched, mismatched: p.mismatched, errors: p.errors };
          const now = Date.now();
          // At max rate there can be thousands of results a second: batch them, ~10 batches/s.
          if (p.done < p.total && now - lastEmit < 100) return;
          lastEmit = now;
          flush();
          progress({ label: `Replaying ${session} (${p.matched} matched, ${p.mismatched} mismatched, ${p.errors} errors)`, done: p.done, total: p.total, unit: 'requests' });
        },
      });
      if (pending.length) flush(); // rows that completed after the last batch, before the final event
      emit('recordChanged', { session, kind: 'replay' });
      await settleVerdictQuietly(wb, session, emit);
      return report;
    } finally {
      lock.release();
    }
  },
  'replay.stop': async ({ session }, { wb }) => runs.stop(wb, session),
  'replay.list': async ({ session }, { wb }) => listReplays(await sessionDir(wb, session)),
  'replay.get': async ({ session, id }, { wb }) => readReplay(await sessionDir(wb, session), id),
  'replay.suggestNoise': async ({ session, concurrency, timeoutMs }, { wb, op, signal, progress }) => {
    const { session: info, manifest } = await sessionForReplay(wb.docker, wb.stateDir, session);
    const lock = runs.claim(wb, session, op);
    try {
      let run = 1;
      const result = await suggestNoiseFor({
        session: info,
        bundle: { root: info.bundleRoot, manifest },
        ...(concurrency ? { concurrency } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        signal,
        onProgress: (p) => {
          progress({ label: `Noise: replay ${run} of 2`, done: p.done + (run - 1) * p.total, total: 2 * p.total, unit: 'requests' });
          if (p.done === p.total) run = 2;
        },
      });
      return { ...result, accepted: await readAcceptedNoise(info.stateDir) };
    } finally {
      lock.release();
    }
  },
  'replay.noise': async ({ session }, { wb }) => ({ accepted: await readAcceptedNoise(await sessionDir(wb, session)) }),
  'replay.acceptNoise': async ({ session, paths }, { wb }) => ({ accepted: await acceptNoise(await sessionDir(wb, session), paths) }),
  'replay.removeNoise': async ({ session, paths }, { wb }) => ({ accepted: await removeAcceptedNoise(await sessionDir(wb, session), paths) }),
  'replay.unmatched': async ({ session }, { wb }) => readUnmatched(await sessionDir(wb, session)),
};
