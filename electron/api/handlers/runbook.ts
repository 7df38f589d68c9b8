import { randomBytes } from 'node:crypto';
import type { runbookMethods, RunbookSessionChoice, RunbookUpdate } from '../../../shared/api/methods/runbook';
import { listSessions } from '../../services/environments';
import { getOpenBundle } from '../../services/open-bundles';
import { openRecordDb } from '../../services/record/db';
import { bundleRunbookText, openRunbookWorkspace, readVersion, runRunbook, saveRunbook, sessionReplayRunner } from '../../services/runbooks';
import type { Workbench } from '../../services/workbench';
import { sessionRuns } from './session-runs';
import { settleVerdictQuietly } from './verdict';
import type { HandlerMap } from './types';

async function sessionsOf(wb: Workbench, bundleId: string): Promise<RunbookSessionChoice[]> {
  const all = await listSessions(wb.docker, wb.stateDir).catch(() => []);
  return all
    .filter((s) => s.bundleId === bundleId)
    .map((s) => ({ name: s.name, phase: s.phase, createdAt: s.createdAt }))
    .sort((a, b) => Number(b.phase === 'running') - Number(a.phase === 'running') || b.createdAt.localeCompare(a.createdAt));
}

/** Runbook runs by session: one at a time per session, across processes, stoppable (runbook.stop). */
const runs = sessionRuns('runbook', 'a runbook run', ['runbook.run']);

export const runbookHandlers: HandlerMap<keyof typeof runbookMethods> = {
  'runbook.open': async ({ handle }, { wb }) => {
    const opened = getOpenBundle(wb, handle);
    const bundleId = opened.manifest.incident.id;
    const bundleText = await bundleRunbookText(opened.root);
    const doc = await openRunbookWorkspace(wb.stateDir, bundleId, bundleText);
    return { ...doc, hasBundleRunbook: bundleText !== null, sessions: await sessionsOf(wb, bundleId) };
  },
  'runbook.save': async ({ bundleId, text, baseRevision }, { wb }) => saveRunbook(wb.stateDir, bundleId, text, baseRevision !== undefined ? { baseRevision } : {}),
  'runbook.version': async ({ bundleId, id }, { wb }) => ({ text: await readVersion(wb.stateDir, bundleId, id) }),
  'runbook.sessions': async ({ bundleId }, { wb }) => sessionsOf(wb, bundleId),
  'runbook.run': async ({ session, text, from, to, runId }, { wb, emit, op, signal, progress, detail }) => {
    const id = runId ?? randomBytes(6).toString('hex');
    const send = (data: RunbookUpdate) => detail(data);
    let done = 0;
    const settles: Promise<void>[] = [];
    const lock = runs.claim(wb, session, op);
    try {
      const result = await runRunbook({
        docker: wb.docker,
        stateDir: wb.stateDir,
        session,
        text,
        record: openRecordDb(wb.stateDir),
        replay: sessionReplayRunner(wb.stateDir),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        signal,
        onStepStart: (step) => {
          send({ type: 'start', runId: id, index: step.index });
          progress({ label: `Runbook step ${step.index + 1}`, done, unit: 'steps' });
        },
        onOutput: (index, chunk) => send({ type: 'output', runId: id, index, chunk }),
        onStepDone: (r) => {
          done++;
          send({ type: 'done', runId: id, index: r.index, result: r });
          emit('recordChanged', { session, kind: 'runbook' }); // each step run is recorded
          settles.push(settleVerdictQuietly(wb, session, emit)); // and the verdict as of it
        },
      });
      return { ...result, runId: id };
    } finally {
      await Promise.all(settles);
      lock.release();
    }
  },
  'runbook.stop': async ({ session }, { wb }) => runs.stop(wb, session),
};
