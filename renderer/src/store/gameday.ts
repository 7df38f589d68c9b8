/**
 * Game day pane state. The scenario being edited (checked as it is typed with the same function
 * the CLI and the runner use), what the session's bundle ships, resolved plans, past journals,
 * and runs: a run lives here keyed by session, fed by its operation's live data, so leaving the
 * pane mid-run and coming back shows the same timeline with Halt still at hand.
 */
import { create } from 'zustand';
import type { GamedayJournalSummary, GamedayPlanResult, GamedayScenarioInfo } from '../../../shared/api/methods/gameday';
import type { FaultRecord, GamedayJournal, GamedayLiveEvent, GamedayPlan, LoadSecond, ProbeResult } from '../../../shared/gameday/journal';
import { parseScenarioText, type ScenarioProblem } from '../../../shared/gameday/validate';
import { api, runOperation } from '../api';
import { reportBackgroundError, useApp } from './app';
import { runningOperation, useOperations } from './operations';
import { clear, load, put, remote, toUiError, type Remote, type UiError } from './remote';
import { useSessionChoice } from './session-choice';

export const CUSTOM_SCENARIO = '(custom)';

export const STARTER_SCENARIO = `schema: repro.gameday/v1
title: A dependency goes away
hypothesis:
  probes:
    - name: ingress-ok
      http: { service: SERVICE, path: "/" }
      expect: { status: 200 }
steps:
  - { id: kill-it, at: 2s, fault: kill, target: DEPENDENCY, duration: 3s }
`;

/** A run this window started. */
export interface GamedayRun {
  opId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  runId?: string;
  plan?: GamedayPlan;
  startedAt?: string;
  phase?: string;
  /** Every probe sample seen (before, during and after the method). */
  samples: ProbeResult[];
  load: LoadSecond[];
  faults: Record<string, FaultRecord>;
  journal?: GamedayJournal;
  halting?: boolean;
  error?: UiError;
}

interface GamedayState {
  scenarioName: string;
  text: string;
  problems: ScenarioProblem[];
  /** Keyed by session. */
  scenarios: Remote<GamedayScenarioInfo[]>;
  journals: Remote<GamedayJournalSummary[]>;
  /** Keyed by `${session}\n${text}`: a plan is for one text on one session. */
  plan: Remote<GamedayPlanResult>;
  /** The finished run being looked at; keyed by `${session}/${id}`. */
  journal: Remote<GamedayJournal>;
  runs: Record<string, GamedayRun>;
  loadSession(session: string): Promise<void>;
  selectScenario(name: string): void;
  setText(text: string): void;
  resolvePlan(session: string): Promise<void>;
  start(session: string): Promise<void>;
  halt(session: string): Promise<void>;
  openJournal(session: string, id: string): Promise<void>;
}

function validate(text: string): ScenarioProblem[] {
  const r = parseScenarioText(text);
  return r.ok ? [] : r.problems;
}

const planKey = (session: string, text: string) => `${session}\n${text}`;

function updateRun(session: string, change: (run: GamedayRun) => GamedayRun): void {
  useGameday.setState((s) => {
    const run = s.runs[session];
    return run ? { runs: { ...s.runs, [session]: change(run) } } : {};
  });
}

/** One live event of a session's run. */
export function applyGamedayEvent(session: string, e: GamedayLiveEvent): void {
  updateRun(session, (run) => {
    switch (e.type) {
      case 'started':
        return { ...run, runId: e.runId, plan: e.plan, startedAt: e.startedAt };
      case 'phase':
        return { ...run, phase: e.phase };
      case 'probe':
        return { ...run, samples: [...run.samples, e.sample] };
      case 'load':
        return { ...run, load: [...run.load.filter((x) => x.t !== e.second.t), e.second] };
      case 'fault':
        return { ...run, faults: { ...run.faults, [e.fault.id]: e.fault } };
      case 'finished':
        return { ...run, phase: 'finished', journal: e.journal };
    }
  });
}

export const useGameday = create<GamedayState>((set, get) => ({
  scenarioName: CUSTOM_SCENARIO,
  text: STARTER_SCENARIO,
  problems: validate(STARTER_SCENARIO),
  scenarios: remote(),
  journals: remote(),
  plan: remote(),
  journal: remote(),
  runs: {},

  loadSession: async (session) => {
    const [scenarios] = await Promise.all([
      load(useGameday, 'scenarios', session, () => api.call('gameday.scenarios', { session })),
      load(useGameday, 'journals', session, () => api.call('gameday.journals', { session })),
    ]);
    // The bundle's own game day is what most people came for (an edit of one's own is kept).
    if (scenarios?.[0] && get().scenarioName === CUSTOM_SCENARIO && get().text === STARTER_SCENARIO) get().selectScenario(scenarios[0].name);
  },

  selectScenario: (name) => {
    const found = get().scenarios.data?.find((s) => s.name === name);
    const text = found ? found.text : get().text;
    set({ scenarioName: found ? name : CUSTOM_SCENARIO, text, problems: validate(text) });
  },

  setText: (text) => {
    const chosen = get().scenarios.data?.find((s) => s.name === get().scenarioName);
    set({ text, problems: validate(text), ...(chosen && chosen.text !== text ? { scenarioName: CUSTOM_SCENARIO } : {}) });
  },

  resolvePlan: async (session) => {
    const text = get().text;
    const r = await load(useGameday, 'plan', planKey(session, text), () => api.call('gameday.plan', { session, text }));
    if (r && !r.ok && get().text === text) set({ problems: r.problems });
  },

  start: async (session) => {
    if (get().runs[session]?.state === 'running' || runningOperation(useOperations.getState(), 'gameday.run', { session })) return;
    const { text, scenarioName } = get();
    const chosen = get().scenarios.data?.find((s) => s.name === scenarioName && s.text === text);
    const run = runOperation('gameday.run', { session, text, ...(chosen ? { source: `${chosen.path} of the session's bundle` } : {}) }, { onDetail: (e) => applyGamedayEvent(session, e) });
    set((s) => ({ runs: { ...s.runs, [session]: { opId: run.opId, state: 'running', samples: [], load: [], faults: {} } } }));
    clear(useGameday, 'journal');
    const end = await run.end;
    // a halted run ends `cancelled` with its journal: it is shown like any other
    const journal = end.state === 'failed' ? undefined : end.result;
    updateRun(session, (r) => (r.opId !== run.opId ? r : { ...r, state: end.state, halting: false, ...(journal ? { journal } : {}), ...(end.state === 'failed' ? { error: toUiError(end.error) } : {}) }));
    if (journal) put(useGameday, 'journal', `${session}/${journal.id}`, journal);
    void load(useGameday, 'journals', session, () => api.call('gameday.journals', { session }));
  },

  halt: async (session) => {
    const mine = get().runs[session];
    updateRun(session, (r) => ({ ...r, halting: true }));
    try {
      // ours: cancel its operation; else the session's game day wherever it runs (a CLI's too)
      const id = mine?.state === 'running' ? mine.opId : runningOperation(useOperations.getState(), 'gameday.run', { session })?.id;
      if (id) await api.call('op.cancel', { id });
      else await api.call('gameday.halt', { session });
    } catch (err) {
      updateRun(session, (r) => ({ ...r, halting: false, error: toUiError(err) }));
      if (!mine) reportBackgroundError(`Halting the game day of ${session}`, err);
    }
  },

  openJournal: async (session, id) => {
    set((s) => {
      const runs = { ...s.runs };
      if (runs[session]?.state !== 'running') delete runs[session];
      return { runs };
    });
    await load(useGameday, 'journal', `${session}/${id}`, () => api.call('gameday.journal', { session, id }));
  },
}));

/** For the event table: a game day was recorded for this session: its list of runs. */
export function refreshGamedaysOf(session: string): void {
  if (useGameday.getState().journals.key === session) void load(useGameday, 'journals', session, () => api.call('gameday.journals', { session }));
}

/** From elsewhere (the record's timeline): show one journal of a session in the Game day pane. */
export async function openGamedayJournal(session: string, id: string): Promise<void> {
  useSessionChoice.getState().setSession(session);
  useApp.getState().setPane('gameday');
  await useGameday.getState().openJournal(session, id);
}
