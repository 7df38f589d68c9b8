import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNote } from '../components/ErrorNote';
import { ProgressBar } from '../components/ProgressBar';
import { useApp } from '../store/app';
import { runningOperation, useOperations } from '../store/operations';
import { dataFor } from '../store/remote';
import { REPLAY_MODES, useReplay, type ReplayCounts } from '../store/replay';
import { runningSessions, useSessions } from '../store/sessions';
import { useSessionChoice } from '../store/session-choice';
import { parseHostMapText, useReplayHostMap } from '../store/replay-host-map';
import { formatRate } from '../../../shared/replay/report';
import { HostMapField } from './replay/HostMapField';
import { ReplayNotices } from './replay/ReplayNotices';
import { TrafficImport } from './replay/TrafficImport';
import { LatencyPanel } from './replay/LatencyPanel';
import { NoisePanel } from './replay/NoisePanel';
import { ResultDetail } from './replay/ResultDetail';
import { ResultsPanel } from './replay/ResultsPanel';
import { UnmatchedPanel } from './replay/UnmatchedPanel';
import './ReplayPane.css';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const modeLabel = (m: string) => (m === 'as-recorded' ? 'as recorded' : m === 'max' ? 'max rate' : `${m.slice(1)}× faster`);

function Counts({ counts, stoppedEarly }: { counts: ReplayCounts; stoppedEarly: boolean }) {
  const rate = counts.done > 0 ? counts.matched / counts.done : undefined;
  return (
    // not a live region: it changes with every batch; the announcer says how the replay ended
    <div className="replay-counts">
      <span className="replay-rate" title="matched / sent (M10)">
        {rate === undefined ? 'n/a' : pct(rate)}
      </span>
      <span>
        sent {counts.done}/{counts.total}
      </span>
      <span className="ok">{counts.matched} matched</span>
      <span className="bad">{counts.mismatched} mismatched</span>
      <span className="warn">{counts.errors} errors</span>
      {stoppedEarly && <span className="warn">stopped early</span>}
    </div>
  );
}

/**
 * Send the bundle's recorded traffic to a running session and see which answers match:
 * live counts while it runs, results by outcome, recorded-vs-replayed diffs (Monaco), latency
 * side by side, guarded noise suggestions the user accepts, and fixture requests nothing matched.
 * The run itself lives in store/replay.ts: this pane only shows it.
 */
export default function ReplayPane() {
  const bundle = useApp((s) => s.bundle);
  const { session, setSession } = useSessionChoice();
  const sessionsList = useSessions((s) => s.list);
  const sessions = runningSessions(sessionsList.data);
  const { mode, concurrency, reports, report, reportId, selected, setMode, setConcurrency, loadSession, chooseReport, start, stop } = useReplay();
  const run = useReplay((s) => (session ? s.runs[session] : undefined));
  // One replay (or noise suggestion) per session, whoever started it: this window, another, the CLI.
  const busyOp = useOperations((s) => (session ? runningOperation(s, ['replay.run', 'replay.suggestNoise'], { session }) : undefined));

  useEffect(() => {
    if (useSessions.getState().list.key === undefined) void useSessions.getState().refresh();
  }, []);
  // Replay goes to a running session: keep the choice on one.
  useEffect(() => {
    if (!sessionsList.data) return;
    // Only when it changes: `sessions` is a new array each render, and setting the same (undefined)
    // choice again re-rendered the pane forever with a bundle open and no session running.
    const next = session && sessions.some((s) => s.name === session) ? session : sessions[0]?.name;
    if (next !== session) setSession(next);
  }, [sessionsList.data, session, sessions, setSession]);
  useEffect(() => {
    if (session) void loadSession(session);
  }, [session, loadSession]);

  const running = run?.state === 'running';
  const elsewhere = busyOp && busyOp.id !== run?.opId ? busyOp : undefined;
  const progress = running ? (busyOp?.id === run.opId ? busyOp.progress : undefined) ?? { done: run.counts.done, ...(run.counts.total ? { total: run.counts.total } : {}), unit: 'requests' as const } : elsewhere?.progress;
  const past = dataFor(reports, session) ?? [];
  const shown = dataFor(report, session && reportId ? `${session}/${reportId}` : undefined);
  // While a run goes, and until its saved report is loaded, its live rows are what is shown.
  const live = run && (running || !shown) ? run : undefined;
  const rows = live ? live.rows : shown?.rows;
  const counts = live ? live.counts : shown && { total: shown.report.total, done: shown.report.sent, matched: shown.report.matched, mismatched: shown.report.mismatched, errors: shown.report.errors };
  const chosen = rows?.find(selected);
  const hostMap = parseHostMapText(useReplayHostMap((s) => s.text));

  if (!bundle && sessions.length === 0) {
    return (
      <section className="pane" aria-labelledby="replay-pane-title">
        <h1 id="replay-pane-title">Replay</h1>
        <EmptyState />
      </section>
    );
  }

  return (
    <section className="pane replay-pane" aria-labelledby="replay-pane-title">
      <div className="replay-toolbar">
        <h1 id="replay-pane-title">Replay</h1>
        <label>
          Session
          <select aria-label="Session" value={session ?? ''} onChange={(e) => setSession(e.target.value || undefined)}>
            {sessions.length === 0 && <option value="">no running session</option>}
            {sessions.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Mode
          <select aria-label="Mode" value={mode} onChange={(e) => setMode(e.target.value)} disabled={running}>
            {REPLAY_MODES.map((m) => (
              <option key={m} value={m}>
                {modeLabel(m)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Concurrency
          <input type="number" aria-label="Concurrency" min={1} max={1024} value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} disabled={running} />
        </label>
        <HostMapField disabled={running} />
        {running || elsewhere?.method === 'replay.run' ? (
          <button type="button" onClick={() => session && void stop(session)} disabled={run?.stopping}>
            {run?.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="button" onClick={() => session && void start(session, hostMap.entries)} disabled={!session || Boolean(busyOp) || Boolean(hostMap.error)}>
            Start replay
          </button>
        )}
        {past.length > 0 && !running && (
          <label>
            Replay
            <select aria-label="Past replay" value={reportId ?? ''} onChange={(e) => session && void chooseReport(session, e.target.value)}>
              {past.map((r) => (
                <option key={r.id} value={r.id}>
                  {new Date(r.startedAt).toLocaleTimeString()} · {r.mode} · {formatRate(r.successRate)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorNote error={sessionsList.error} prefix="Sessions" />
      {reports.key === session && <ErrorNote error={reports.error} prefix="Past replays" />}
      {report.key === `${session}/${reportId}` && <ErrorNote error={report.error} prefix="Replay" />}
      <ErrorNote error={run?.error} />
      {bundle && <TrafficImport bundle={bundle} />}
      {!session && <p className="muted">Bring the environment up first (Environment pane); replay sends the recorded traffic to a running session.</p>}
      {elsewhere && (
        <p className="muted small" role="status">
          {elsewhere.method === 'replay.run' ? 'A replay' : 'A noise suggestion'} of {session} started {elsewhere.client === 'cli' ? 'by the repro CLI' : 'in another window'} is running; a new one can start when it ends.
        </p>
      )}
      {progress && (running || elsewhere?.method === 'replay.run') && <ProgressBar progress={{ task: 'replay', ...progress, label: 'Replaying' }} />}
      {counts && <Counts counts={counts} stoppedEarly={!running && Boolean(live ? live.state === 'cancelled' : shown?.report.cancelled)} />}
      {shown && !running && <ReplayNotices report={shown.report} />}

      {rows && rows.all.length > 0 && (
        <div className="replay-main">
          <ResultsPanel rows={rows} version={live?.version ?? 0} />
          <ResultDetail chosen={chosen} bodies={live ? undefined : shown?.bodies.find((b) => b.index === selected)} bodiesOmitted={!report.loading && Boolean(shown?.report.bodies?.omitted)} />
        </div>
      )}

      {shown && !running && session && (
        <div className="replay-bottom">
          <LatencyPanel report={shown.report} />
          <NoisePanel session={session} />
          <UnmatchedPanel session={session} />
        </div>
      )}
    </section>
  );
}
