import type { gamedayMethods } from '../../../shared/api/methods/gameday';
import { WorkbenchError } from '../../../shared/api/errors';
import { parseScenarioText } from '../../../shared/gameday/validate';
import { readSessionManifestOf } from '../../services/environments';
import { sessionsRoot } from '../../services/environments/session-info';
import { SessionStore } from '../../services/environments/state-store';
import { bundleScenarios, listJournals, readBundleScenario, readJournal, resolveRun, runGameday } from '../../services/gameday';
import type { Workbench } from '../../services/workbench';
import { sessionRuns } from './session-runs';
import type { HandlerMap } from './types';

/** One game day per session, across processes (the session's gameday.lock), haltable from anywhere. */
const runs = sessionRuns('gameday', 'a game day', ['gameday.run']);

const sessionDir = (wb: Workbench, session: string) => new SessionStore(sessionsRoot(wb.stateDir)).dir(session);

function parsed(text: string) {
  const p = parseScenarioText(text);
  if (!p.ok) throw new WorkbenchError('invalid_argument', `the scenario is not valid: ${p.problems.map((x) => `${x.path || '(document)'}: ${x.message}`).join('; ')}`, { problems: p.problems });
  return p.scenario;
}

export const gamedayHandlers: HandlerMap<keyof typeof gamedayMethods> = {
  'gameday.scenarios': async ({ session }, { wb }) => {
    const { record, manifest } = readSessionManifestOf(wb.stateDir, session);
    if (!manifest) throw new WorkbenchError('not_found', `the bundle of session "${session}" is no longer at ${record.bundleRoot}`);
    return Promise.all(bundleScenarios(manifest).map(async (s) => ({ name: s.name, path: s.path, text: (await readBundleScenario(record.bundleRoot, manifest, s.name)).text })));
  },
  'gameday.plan': async ({ session, text }, { wb }) => {
    const p = parseScenarioText(text);
    if (!p.ok) return { ok: false as const, problems: p.problems };
    const { plan } = await resolveRun({ docker: wb.docker, stateDir: wb.stateDir, session, scenario: p.scenario });
    return { ok: true as const, plan };
  },
  'gameday.run': async ({ session, text, source }, { wb, emit, op, signal, progress, detail }) => {
    const scenario = parsed(text);
    const lock = runs.claim(wb, session, op);
    try {
      const result = await runGameday({
        docker: wb.docker,
        stateDir: wb.stateDir,
        session,
        scenario,
        source: { label: source ?? 'edited in the workbench', text },
        // op.cancel (the Halt button) halts: every active fault is reverted, the journal is the result
        signal,
        host: wb.host,
        onEvent: detail,
        onProgress: (p) => progress({ label: p.label, done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.unit ? { unit: p.unit } : {}) }),
      });
      emit('recordChanged', { session, kind: 'gameday' });
      return result.journal!;
    } finally {
      lock.release();
    }
  },
  'gameday.halt': async ({ session }, { wb }) => ({ halted: runs.stop(wb, session).stopped }),
  'gameday.journals': async ({ session }, { wb }) => listJournals(sessionDir(wb, session)),
  'gameday.journal': async ({ session, id }, { wb }) => readJournal(sessionDir(wb, session), id),
};
