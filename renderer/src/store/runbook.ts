/**
 * Runbook pane state: the user's working copy of the open bundle's runbook (loaded, edited,
 * autosaved one save after another), the texts the diff view compares with, and runs of steps
 * per session. All of it outlives the pane: leave mid-edit and the save still happens; leave
 * mid-run and the run's output is still there when you come back.
 */
import { create } from 'zustand';
import type { RunbookSessionChoice, RunbookUpdate, RunbookWorkspaceInfo } from '../../../shared/api/methods/runbook';
import { parseRunbook, type StepRunResult } from '../../../shared/runbook';
import { api, runOperation } from '../api';
import { announce } from './announcer';
import { cancelOperation } from './operations';
import { clear, load, remote, toUiError, type Remote, type UiError } from './remote';
import { useSessionChoice } from './session-choice';

/** Autosave waits for a pause in typing this long. */
export const AUTOSAVE_MS = 800;

export type SaveState = { kind: 'saved'; at: number } | { kind: 'dirty' } | { kind: 'saving' } | { kind: 'error'; error: UiError };

export interface StepState {
  /** The step text the state belongs to: an edited step loses its old output. */
  body: string;
  running: boolean;
  output: string;
  result?: StepRunResult;
}

/** A run of steps against one session, started by this window. */
export interface RunbookRun {
  opId?: string;
  running: boolean;
  /** Stopped by the user (the step at work was killed). */
  cancelled?: boolean;
  /** Run all (not one step). */
  all: boolean;
  steps: Record<number, StepState>;
  error?: UiError;
}

interface RunbookState {
  /** Keyed by bundle handle. */
  workspace: Remote<RunbookWorkspaceInfo>;
  /** The working copy as typed (the editor's text), for the workspace's bundle. */
  text: string;
  /** Bumped when the text changes from outside the editor (a load): the editor takes it then. */
  textVersion: number;
  revision: string;
  save: SaveState;
  view: 'edit' | 'diff';
  /** Tab leaves the editor (the default: no keyboard trap) or types a tab (toggled by the button or Ctrl+M). */
  tabMovesFocus: boolean;
  setTabMovesFocus(on: boolean): void;
  /** 'bundle' or a saved version's id. */
  diffBase: string;
  /** The text compared with, keyed by `${bundleId}:${diffBase}`. */
  diffText: Remote<string>;
  /** Runs by session. */
  runs: Record<string, RunbookRun>;
  open(handle: string): Promise<void>;
  edit(text: string): void;
  saveNow(): Promise<void>;
  setView(view: 'edit' | 'diff'): void;
  setDiffBase(base: string): void;
  loadDiff(): Promise<void>;
  refreshSessions(): Promise<void>;
  run(session: string, from: number, to?: number): Promise<void>;
  stop(session: string): Promise<void>;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let chain: Promise<void> = Promise.resolve();

function keepChoiceValid(sessions: RunbookSessionChoice[]): void {
  const { session, setSession } = useSessionChoice.getState();
  if (!session || !sessions.some((s) => s.name === session)) setSession(sessions.find((s) => s.phase === 'running')?.name ?? sessions[0]?.name);
}

function updateRun(session: string, change: (run: RunbookRun) => RunbookRun): void {
  useRunbook.setState((s) => {
    const run = s.runs[session] ?? { running: false, all: false, steps: {} };
    return { runs: { ...s.runs, [session]: change(run) } };
  });
}

/** Applies one live update of a run (a step started, printed, ended) to the session's run. */
export function applyRunbookUpdate(session: string, u: RunbookUpdate): void {
  if (u.type !== 'start' && u.type !== 'output') announce(`Step ${u.index + 1} ${u.result.ok ? 'passed' : `failed${u.result.error ? `: ${u.result.error}` : ''}`}`);
  updateRun(session, (run) => {
    const cur = run.steps[u.index];
    if (u.type === 'start') return { ...run, steps: { ...run.steps, [u.index]: { body: cur?.body ?? '', running: true, output: '' } } };
    if (!cur) return run;
    if (u.type === 'output') return { ...run, steps: { ...run.steps, [u.index]: { ...cur, output: cur.output + u.chunk } } };
    return { ...run, steps: { ...run.steps, [u.index]: { ...cur, running: false, result: u.result, output: u.result.output || cur.output } } };
  });
}

export const useRunbook = create<RunbookState>((set, get) => ({
  workspace: remote(),
  text: '',
  textVersion: 0,
  revision: '',
  save: { kind: 'saved', at: 0 },
  view: 'edit',
  tabMovesFocus: true,
  setTabMovesFocus: (tabMovesFocus) => set({ tabMovesFocus }),
  diffBase: 'bundle',
  diffText: remote(),
  runs: {},
  open: async (handle) => {
    // The last keystrokes of the previous bundle's runbook are saved before another is loaded.
    if (timer !== undefined) await get().saveNow();
    const info = await load(useRunbook, 'workspace', handle, () => api.call('runbook.open', { handle }));
    if (!info) return;
    set((s) => ({ text: info.text, textVersion: s.textVersion + 1, revision: info.revision, save: { kind: 'saved', at: Date.now() }, view: 'edit', diffBase: 'bundle' }));
    clear(useRunbook, 'diffText');
    keepChoiceValid(info.sessions);
  },
  edit: (text) => {
    set({ text, save: { kind: 'dirty' } });
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void get().saveNow();
    }, AUTOSAVE_MS);
  },
  saveNow: () => {
    clearTimeout(timer);
    timer = undefined;
    const ws = get().workspace;
    if (!ws.data) return Promise.resolve();
    const { bundleId } = ws.data;
    const handle = ws.key;
    // Saves go one after another so each is based on the revision the previous one produced.
    chain = chain.then(async () => {
      if (get().workspace.key !== handle) return; // another bundle was opened meanwhile
      const body = get().text;
      set({ save: { kind: 'saving' } });
      try {
        const r = await api.call('runbook.save', { bundleId, text: body, baseRevision: get().revision });
        if (get().workspace.key !== handle) return;
        set((s) => ({
          revision: r.revision,
          ...(r.changed && s.workspace.data ? { workspace: { ...s.workspace, data: { ...s.workspace.data, versions: r.versions, revision: r.revision } } } : {}),
          save: s.text === body ? { kind: 'saved', at: r.savedAt } : { kind: 'dirty' },
        }));
      } catch (err) {
        if (get().workspace.key === handle) set({ save: { kind: 'error', error: toUiError(err) } });
      }
    });
    return chain;
  },
  setView: (view) => set({ view }),
  setDiffBase: (diffBase) => set({ diffBase }),
  loadDiff: async () => {
    const { workspace, diffBase } = get();
    const ws = workspace.data;
    if (!ws) return;
    const key = `${ws.bundleId}:${diffBase}`;
    await load(useRunbook, 'diffText', key, () => (diffBase === 'bundle' ? Promise.resolve(ws.bundleText) : api.call('runbook.version', { bundleId: ws.bundleId, id: diffBase }).then((r) => r.text)));
  },
  refreshSessions: async () => {
    const ws = get().workspace;
    if (!ws.data) return;
    const handle = ws.key;
    try {
      const sessions = await api.call('runbook.sessions', { bundleId: ws.data.bundleId });
      set((s) => (s.workspace.key === handle && s.workspace.data ? { workspace: { ...s.workspace, data: { ...s.workspace.data, sessions } } } : {}));
      keepChoiceValid(sessions);
    } catch (err) {
      set((s) => (s.workspace.key === handle ? { workspace: { ...s.workspace, error: toUiError(err) } } : {}));
    }
  },
  run: async (session, from, to) => {
    if (get().runs[session]?.running) return;
    await get().saveNow();
    const body = get().text;
    const bodies = parseRunbook(body).steps;
    const op = runOperation('runbook.run', { session, text: body, from, ...(to !== undefined ? { to } : {}) }, { onDetail: (u) => applyRunbookUpdate(session, u) });
    updateRun(session, (run) => {
      const steps = { ...run.steps };
      for (let i = from; i < (to ?? bodies.length); i++) steps[i] = { body: bodies[i]?.body ?? '', running: false, output: '' };
      return { opId: op.opId, running: true, all: to === undefined, steps };
    });
    const end = await op.end;
    const result = end.state === 'failed' ? undefined : end.result;
    updateRun(session, (run) => {
      const steps = Object.fromEntries(Object.entries(run.steps).map(([k, v]) => [k, { ...v, running: false }]));
      // Live data may arrive late or not at all (a reconnecting socket): the result is the truth.
      for (const r of result?.steps ?? []) steps[r.index] = { body: bodies[r.index]?.body ?? '', running: false, output: r.output, result: r };
      return {
        ...run,
        running: false,
        steps,
        ...(end.state === 'cancelled' || result?.cancelled ? { cancelled: true } : {}),
        ...(end.state === 'failed' ? { error: toUiError(end.error) } : {}),
      };
    });
  },
  stop: async (session) => {
    const opId = get().runs[session]?.opId;
    if (opId) await cancelOperation(opId);
  },
}));

/** For the event table. */
export function refreshRunbookSessions(): void {
  if (useRunbook.getState().workspace.data) void useRunbook.getState().refreshSessions();
}
