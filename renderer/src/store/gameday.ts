/**
 * The Game day pane's state: sessions to run against, the scenario being edited (validated as
 * it is typed, with the same function the CLI uses), its resolved plan, the live run (the
 * gameday.run operation's live data), and finished journals.
 */
import { create } from 'zustand';
import type { EnvSessionInfo } from '../../../shared/api/methods/environment';
import type { GamedayJournalSummary, GamedayScenarioInfo } from '../../../shared/api/methods/gameday';
import type { FaultRecord, GamedayJournal, GamedayLiveEvent, GamedayPlan, LoadSecond, ProbeResult } from '../../../shared/gameday/journal';
import { parseScenarioText, type ScenarioProblem } from '../../../shared/gameday/validate';
import { api, runOperation, type RunningOperation } from '../api';
import { useApp } from './app';

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

export interface LiveRun {
  runId: string;
  plan: GamedayPlan;
  startedAt: string;
  phase?: string;
  /** Every probe sample seen (before, during and after the method). */
  samples: ProbeResult[];
  load: LoadSecond[];
  faults: Record<string, FaultRecord>;
}

interface GamedayState {
  sessions: EnvSessionInfo[];
  session?: string;
  scenarios: GamedayScenarioInfo[];
  scenarioName: string;
  text: string;
  problems: ScenarioProblem[];
  plan?: GamedayPlan;
  planning: boolean;
  running: boolean;
  halting: boolean;
  live?: LiveRun;
  journal?: GamedayJournal;
  journals: GamedayJournalSummary[];
  error?: string;
  loadSessions(): Promise<void>;
  selectSession(session: string | undefined): Promise<void>;
  selectScenario(name: string): void;
  setText(text: string): void;
  checkPlan(): Promise<void>;
  start(): Promise<void>;
  halt(): Promise<void>;
  openJournal(id: string): Promise<void>;
}

function validate(text: string): ScenarioProblem[] {
  const r = parseScenarioText(text);
  return r.ok ? [] : r.problems;
}

/** The run this window started (its operation), for Halt. */
let running: RunningOperation<'gameday.run'> | undefined;

export const useGameday = create<GamedayState>((set, get) => ({
  sessions: [],
  scenarios: [],
  scenarioName: CUSTOM_SCENARIO,
  text: STARTER_SCENARIO,
  problems: validate(STARTER_SCENARIO),
  planning: false,
  running: false,
  halting: false,
  journals: [],

  loadSessions: async () => {
    try {
      const r = await api.call('env.list', {});
      const sessions = r.sessions.filter((s) => s.phase === 'running');
      set({ sessions });
      const current = get().session;
      if (!current || !sessions.some((s) => s.name === current)) await get().selectSession(sessions[0]?.name);
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },

  selectSession: async (session) => {
    if (get().running) return;
    set({ session, scenarios: [], plan: undefined, journals: [], journal: undefined, live: undefined, error: undefined });
    if (!session) return;
    try {
      const [scenarios, journals] = await Promise.all([api.call('gameday.scenarios', { session }), api.call('gameday.journals', { session })]);
      if (get().session !== session) return;
      set({ scenarios, journals });
      // The bundle's own game day is what most people came for.
      if (scenarios[0] && (get().scenarioName === CUSTOM_SCENARIO ? get().text === STARTER_SCENARIO : true)) get().selectScenario(scenarios[0].name);
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },

  selectScenario: (name) => {
    const found = get().scenarios.find((s) => s.name === name);
    const text = found ? found.text : get().text;
    set({ scenarioName: found ? name : CUSTOM_SCENARIO, text, problems: validate(text), plan: undefined });
  },

  setText: (text) => {
    const chosen = get().scenarios.find((s) => s.name === get().scenarioName);
    set({ text, problems: validate(text), plan: undefined, ...(chosen && chosen.text !== text ? { scenarioName: CUSTOM_SCENARIO } : {}) });
  },

  checkPlan: async () => {
    const { session, text } = get();
    if (!session) return;
    set({ planning: true, error: undefined });
    try {
      const r = await api.call('gameday.plan', { session, text });
      if (r.ok) set({ plan: r.plan });
      else set({ problems: r.problems, plan: undefined });
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      set({ planning: false });
    }
  },

  start: async () => {
    const { session, text, scenarioName, scenarios } = get();
    if (!session || get().running) return;
    const chosen = scenarios.find((s) => s.name === scenarioName && s.text === text);
    set({ running: true, halting: false, error: undefined, journal: undefined, live: undefined });
    try {
      running = runOperation('gameday.run', { session, text, ...(chosen ? { source: `${chosen.path} of the session's bundle` } : {}) }, { onDetail: onLive });
      // a halted run ends `cancelled` with its journal: it resolves too
      const journal = await running.result;
      set({ journal });
      const journals = await api.call('gameday.journals', { session }).catch(() => get().journals);
      set({ journals });
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      running = undefined;
      set({ running: false, halting: false });
    }
  },

  halt: async () => {
    const { session } = get();
    if (!session) return;
    set({ halting: true });
    try {
      // ours: cancel the operation; else (a run started elsewhere) halt the session's game day
      if (!(running && (await running.cancel()))) await api.call('gameday.halt', { session });
    } catch (err) {
      set({ error: (err as Error).message, halting: false });
    }
  },

  openJournal: async (id) => {
    const { session } = get();
    if (!session) return;
    try {
      const journal = await api.call('gameday.journal', { session, id });
      set({ journal, live: undefined });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

/** Apply one live event to the run being shown. */
function onLive(e: GamedayLiveEvent): void {
  useGameday.setState((s) => {
    if (e.type === 'started') return { live: { runId: e.runId, plan: e.plan, startedAt: e.startedAt, samples: [], load: [], faults: {} }, plan: e.plan };
    const live = s.live;
    if (!live || live.runId !== e.runId) return {};
    switch (e.type) {
      case 'phase':
        return { live: { ...live, phase: e.phase } };
      case 'probe':
        return { live: { ...live, samples: [...live.samples, e.sample] } };
      case 'load':
        return { live: { ...live, load: [...live.load.filter((x) => x.t !== e.second.t), e.second] } };
      case 'fault':
        return { live: { ...live, faults: { ...live.faults, [e.fault.id]: e.fault } } };
      case 'finished':
        return { journal: e.journal, live: { ...live, phase: 'finished' } };
    }
  });
}

let started = false;
/** Follow session changes once (the pane calls this when it mounts). */
export function startGamedayStore(): void {
  if (started) return;
  started = true;
  api.on('sessionsChanged', () => void useGameday.getState().loadSessions());
}

/** From elsewhere (the record's timeline): show one journal of a session in the Game day pane. */
export async function openGamedayJournal(session: string, id: string): Promise<void> {
  const g = useGameday.getState();
  if (g.session !== session) await g.selectSession(session);
  await useGameday.getState().openJournal(id);
  useApp.getState().setPane('gameday');
}
