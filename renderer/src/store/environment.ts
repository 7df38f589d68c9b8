/**
 * Environment pane state: the secrets an open bundle needs, drift found per session, which
 * session's logs are shown and their lines (history, then followed live). The sessions
 * themselves are in store/sessions.ts.
 */
import { create } from 'zustand';
import type { LogEvent } from '../../../shared/api/events';
import type { DriftItem, EnvRuntimeKind, EnvSecretNeed } from '../../../shared/api/methods/environment';
import { api, runOperation } from '../api';
import { reportBackgroundError } from './app';
import { load, remote, toUiError, type Remote, type UiError } from './remote';
import { refreshSessions } from './sessions';

/** How the last start of a bundle's environment went (its progress is the operation's). */
export interface UpRun {
  opId: string;
  running: boolean;
  session?: string;
  error?: UiError;
  cancelled?: boolean;
}

export const MAX_LOG_LINES = 5000;
/** New log lines are applied in batches at most this often, so a chatty service cannot freeze the page. */
const LOG_BATCH_MS = 50;

interface EnvironmentState {
  /** Keyed by bundle handle. */
  secrets: Remote<EnvSecretNeed[]>;
  /** Last drift check per session. */
  drift: Record<string, DriftItem[]>;
  /** The session whose logs are shown (UI state, kept across pane switches). */
  logSession?: string;
  /** Keyed by session: history, then followed lines appended. */
  logs: Remote<LogEvent[]>;
  /** Starts by bundle handle. */
  ups: Record<string, UpRun>;
  /** Why the last stop of a session failed. */
  downErrors: Record<string, UiError>;
  /** Where the next start runs (docs/runtimes.md); a user's pick, kept across pane switches. */
  runtime: EnvRuntimeKind;
  setRuntime(runtime: EnvRuntimeKind): void;
  /** `allowEgress` opens the session's sandbox (the containers reach the internet, the LAN, this machine). */
  up(handle: string, session: string, secrets: Record<string, string>, opts?: { allowEgress?: boolean; runtime?: EnvRuntimeKind }): Promise<void>;
  down(session: string): Promise<void>;
  loadSecrets(handle: string): Promise<void>;
  setDrift(session: string, drift: DriftItem[]): void;
  setLogSession(session: string | undefined): void;
  /** Show `session`'s log history and, with `follow`, its new lines until the returned stop(). */
  followLogs(session: string, follow: boolean): () => void;
}

export const useEnvironment = create<EnvironmentState>((set, get) => ({
  secrets: remote(),
  drift: {},
  logs: remote(),
  ups: {},
  downErrors: {},
  runtime: 'local',
  setRuntime: (runtime) => set({ runtime }),
  up: async (handle, session, secrets, opts = {}) => {
    if (get().ups[handle]?.running) return;
    const op = runOperation('env.up', { handle, ...(session ? { session } : {}), ...(Object.keys(secrets).length ? { secrets } : {}), ...(opts.allowEgress ? { allowEgress: true } : {}), ...(opts.runtime && opts.runtime !== 'local' ? { runtime: opts.runtime } : {}) });
    const write = (run: UpRun) => set((s) => ({ ups: { ...s.ups, [handle]: run } }));
    write({ opId: op.opId, running: true, ...(session ? { session } : {}) });
    const end = await op.end;
    if (end.state === 'done') {
      write({ opId: op.opId, running: false, session: end.result.session });
      get().setDrift(end.result.session, end.result.drift);
      get().setLogSession(end.result.session);
    } else if (end.state === 'cancelled') write({ opId: op.opId, running: false, cancelled: true });
    else {
      write({ opId: op.opId, running: false, error: toUiError(end.error) });
      // the backend may have learnt of secrets meanwhile (its environment), and the prompt opens on the missing ones
      if (end.error.code === 'secret_missing') void get().loadSecrets(handle);
    }
    refreshSessions();
  },
  down: async (session) => {
    set((s) => {
      const downErrors = { ...s.downErrors };
      delete downErrors[session];
      return { downErrors };
    });
    const end = await runOperation('env.down', { session }).end;
    if (end.state === 'failed') set((s) => ({ downErrors: { ...s.downErrors, [session]: toUiError(end.error) } }));
    refreshSessions();
  },
  loadSecrets: async (handle) => {
    await load(useEnvironment, 'secrets', handle, () => api.call('env.secrets', { handle }));
  },
  setDrift: (session, drift) => set((s) => ({ drift: { ...s.drift, [session]: drift } })),
  setLogSession: (logSession) => set({ logSession }),
  followLogs: (session, follow) => {
    let stopped = false;
    let ready = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pending: LogEvent[] = [];
    /** This view's follow subscriptions (a new one after a reconnect): lines of others are not ours. */
    const mine = new Set<string>();
    const flush = () => {
      timer = undefined;
      if (stopped || !ready || pending.length === 0) return;
      const { logs } = get();
      if (logs.key !== session) return;
      const batch = pending.splice(0);
      set({ logs: { ...logs, data: [...(logs.data ?? []), ...batch].slice(-MAX_LOG_LINES) } });
    };
    // Listen first: lines written while the history loads are appended after it.
    const off = api.on('log', (e) => {
      if (e.session !== session || (e.subscription !== undefined && !mine.has(e.subscription))) return;
      pending.push(e);
      timer ??= setTimeout(flush, LOG_BATCH_MS);
    });
    const stopFollow = (subscription: string) =>
      void api.call('env.logsStop', { subscription }).catch((err) => reportBackgroundError(`Stopping the log follow of ${session}`, err));
    const startFollow = async () => {
      try {
        const { subscription } = await api.call('env.logsFollow', { session });
        mine.add(subscription);
        if (stopped) stopFollow(subscription);
      } catch (err) {
        if (!stopped && get().logs.key === session) set((s) => ({ logs: { ...s.logs, error: toUiError(err) } }));
      }
    };
    // A follow belongs to the event connection: when that comes back, follow again.
    const offConnection = api.on('connection', (c) => {
      if (c.state === 'open' && c.reconnected && follow && ready && !stopped) void startFollow();
    });
    void (async () => {
      const history = await load(useEnvironment, 'logs', session, () => api.call('env.logs', { session, tail: 1000 }).then((h) => h.slice(-MAX_LOG_LINES)));
      if (stopped || history === undefined) return;
      ready = true;
      flush();
      if (follow) await startFollow();
    })();
    return () => {
      stopped = true;
      off();
      offConnection();
      clearTimeout(timer);
      for (const subscription of mine) stopFollow(subscription);
    };
  },
}));

export const environmentActions = {
  gc: () => api.call('env.gc', {}),
  drift: (session: string) => api.call('env.drift', { session }),
  restartService: (session: string, service: string) => api.call('env.restartService', { session, service }),
  stopService: (session: string, service: string) => api.call('env.stopService', { session, service }),
};
