import { z } from '../../zod';
import type { GamedayJournal, GamedayLiveEvent, GamedayPlan } from '../../gameday/journal';
import type { ScenarioProblem } from '../../gameday/validate';
import { method, operation } from '../define';

const sessionName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a session name' });
const scenarioText = z.string().max(1024 * 1024);
const runId = z.string().regex(/^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$/, { message: 'expected a game day run id' });

export interface GamedayScenarioInfo {
  /** gamedays/<name>.yaml of the session's bundle */
  name: string;
  path: string;
  text: string;
}

export interface GamedayJournalSummary {
  id: string;
  title: string;
  status: GamedayJournal['status'];
  startedAt: string;
  finishedAt?: string;
}

/** The plan, or why the scenario text is not one (then there is no plan). */
export type GamedayPlanResult = { ok: true; plan: GamedayPlan } | { ok: false; problems: ScenarioProblem[] };

export const gamedayMethods = {
  /** The scenarios the session's bundle ships (gamedays/*.yaml), digest-checked. */
  'gameday.scenarios': method(z.object({ session: sessionName }).strict()).returns<GamedayScenarioInfo[]>(),
  /** Resolve a scenario against a session without changing anything (a dry run). */
  'gameday.plan': method(z.object({ session: sessionName, text: scenarioText }).strict()).returns<GamedayPlanResult>(),
  /**
   * Run a scenario (an operation: its live data are GamedayLiveEvents; it ends with the journal,
   * `cancelled` with the halted run's journal when halted). One game day per session at a time,
   * across processes.
   */
  'gameday.run': operation(z.object({ session: sessionName, text: scenarioText, source: z.string().max(500).optional() }).strict()).returns<GamedayJournal, GamedayLiveEvent>(),
  /** Halt the session's running game day, here or in a `repro` CLI process: every active fault is reverted within 2 s. */
  'gameday.halt': method(z.object({ session: sessionName }).strict()).returns<{ halted: boolean }>(),
  'gameday.journals': method(z.object({ session: sessionName }).strict()).returns<GamedayJournalSummary[]>(),
  'gameday.journal': method(z.object({ session: sessionName, id: runId }).strict()).returns<GamedayJournal>(),
};
