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

/** One game day per session in this process (the undo ledger holds it across processes). */
const runs = sessionRuns('gameday', 'a game day');

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
  'gameday.run': async ({ session, text, source }, { wb, emit }) => {
    const scenario = parsed(text);
    const ctl = runs.claim(wb, session);
    try {
      const result = await runGameday({
        docker: wb.docker,
        stateDir: wb.stateDir,
        session,
        scenario,
        source: { label: source ?? 'edited in the workbench', text },
        signal: ctl.signal,
        host: wb.host,
        onEvent: (data) => emit('update', { topic: `gameday:${session}`, data }),
        onProgress: (p) => emit('progress', p),
      });
      emit('sessionsChanged', { reason: 'gameday', session });
      return result.journal!;
    } finally {
      runs.release(wb, session);
    }
  },
  'gameday.halt': async ({ session }, { wb }) => ({ halted: runs.stop(wb, session).stopped }),
  'gameday.journals': async ({ session }, { wb }) => listJournals(sessionDir(wb, session)),
  'gameday.journal': async ({ session, id }, { wb }) => readJournal(sessionDir(wb, session), id),
};
