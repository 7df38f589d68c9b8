import { useEffect, useMemo, useState } from 'react';
import { statusText } from '../../../shared/gameday/journal';
import { ErrorNote } from '../components/ErrorNote';
import { useGameday } from '../store/gameday';
import { runningOperation, useOperations } from '../store/operations';
import { dataFor } from '../store/remote';
import { useSessionChoice } from '../store/session-choice';
import { runningSessions, useSessions } from '../store/sessions';
import { JournalView } from './gameday/JournalView';
import { PlanView } from './gameday/PlanView';
import { ScenarioEditor } from './gameday/ScenarioEditor';
import { Timeline, type TimelineData } from './gameday/Timeline';
import './gameday/gameday.css';

/**
 * Game days: pick or edit a scenario (checked as you type), see the plan resolved against a
 * running session, start it, halt it, and watch probes, load and faults on one timeline; a
 * finished run shows its verdict and journal, which also goes into the session's record.
 */
export default function GamedayPane() {
  const list = useSessions((s) => s.list);
  const sessions = runningSessions(list.data);
  const { session, setSession } = useSessionChoice();
  const g = useGameday();
  const run = session ? g.runs[session] : undefined;
  const elsewhere = useOperations((s) => (session ? runningOperation(s, 'gameday.run', { session }) : undefined));
  const running = run?.state === 'running' || Boolean(elsewhere);

  useEffect(() => {
    if (list.key === undefined) void useSessions.getState().refresh();
  }, [list.key]);
  // the pane acts on a running session: keep the choice on one (only ever a change: no render loop)
  const fallback = session && sessions.some((s) => s.name === session) ? session : sessions[0]?.name;
  useEffect(() => {
    if (list.data && fallback !== session) setSession(fallback);
  }, [list.data, fallback, session, setSession]);
  useEffect(() => {
    if (session) void useGameday.getState().loadSession(session);
  }, [session]);

  const loadedJournal = session && g.journal.key?.startsWith(`${session}/`) ? g.journal.data : undefined;
  const shownJournal = run?.journal ?? loadedJournal;
  const resolved = session ? dataFor(g.plan, `${session}\n${g.text}`) : undefined;
  const plan = (run?.state === 'running' ? run.plan : undefined) ?? (resolved?.ok ? resolved.plan : undefined);
  const now = useNow(run?.state === 'running');
  const timeline = useMemo<TimelineData | undefined>(() => {
    if (run && run.startedAt) {
      const j = run.journal;
      return { samples: run.samples, load: run.load, faults: Object.values(run.faults), now: j ? (j.durationMs ?? 0) : now - Date.parse(run.startedAt) };
    }
    const j = shownJournal;
    if (!j) return undefined;
    const extra = [...(j.steadyState.before?.probes ?? []), ...(j.steadyState.after?.probes ?? [])];
    return { samples: [...extra, ...j.probes].sort((a, b) => a.t - b.t), load: j.load?.perSecond ?? [], faults: j.faults, now: j.durationMs ?? 0 };
  }, [run, shownJournal, now]);

  const canRun = Boolean(session) && g.problems.length === 0 && !running;
  const journals = session ? (dataFor(g.journals, session) ?? []) : [];
  return (
    <section className="pane gameday-pane" aria-labelledby="pane-title">
      <div className="gameday-toolbar">
        <h1 id="pane-title">Game day</h1>
        <label className="small">
          Session{' '}
          <select aria-label="Session" value={session ?? ''} disabled={running} onChange={(e) => setSession(e.target.value || undefined)}>
            {sessions.length === 0 && <option value="">no running session</option>}
            {sessions.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name} ({x.bundleId})
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!canRun || g.plan.loading} onClick={() => session && void g.resolvePlan(session)}>
          {g.plan.loading ? 'Resolving…' : 'Resolve plan'}
        </button>
        <button type="button" className="primary" disabled={!canRun} onClick={() => session && void g.start(session)}>
          {running ? 'Running…' : 'Start'}
        </button>
        <button type="button" className="gameday-halt" disabled={!running || run?.halting} onClick={() => session && void g.halt(session)} aria-describedby="gameday-halt-help">
          {run?.halting ? 'Halting…' : 'Halt'}
        </button>
        <span id="gameday-halt-help" className="muted small">
          Halt reverts every active fault at once.
        </span>
      </div>
      <ErrorNote error={list.error} prefix="Listing sessions" />
      <ErrorNote error={g.scenarios.error} prefix="Reading the bundle's game days" />
      <ErrorNote error={g.plan.error} prefix="Resolving the plan" />
      <ErrorNote error={run?.error} prefix="The game day" />
      {list.data && sessions.length === 0 && <p className="muted">Bring a session up in the Environment pane (or with repro up) to run a game day against it.</p>}
      {elsewhere && run?.state !== 'running' && <p className="gameday-status">A game day is running on {session} from another window; Halt stops it.</p>}
      {(run || shownJournal) && (
        <p className="gameday-status" role="status" aria-live="polite">
          {run?.state === 'running' ? `Run ${run.runId ?? ''}: ${run.phase?.replace(/-/g, ' ') ?? 'starting'}` : shownJournal ? statusText(shownJournal.status) : ''}
        </p>
      )}
      {timeline && <Timeline data={timeline} live={run?.state === 'running'} />}
      {shownJournal && run?.state !== 'running' && <JournalView journal={shownJournal} />}
      <div className="gameday-main">
        <ScenarioEditor running={running} />
        {plan ? (
          <PlanView plan={plan} />
        ) : (
          <section className="gameday-panel" aria-label="Plan">
            <p className="muted">Resolve the plan to see what each step will do to which container of the session, and how it is undone. Start resolves it too.</p>
          </section>
        )}
      </div>
      {journals.length > 0 && (
        <section className="gameday-panel" aria-labelledby="gameday-history-title">
          <h2 id="gameday-history-title">Earlier runs on {session}</h2>
          <ul className="gameday-history">
            {journals.map((j) => (
              <li key={j.id}>
                <button type="button" className="link" disabled={running} onClick={() => session && void g.openJournal(session, j.id)} aria-current={shownJournal?.id === j.id ? 'true' : undefined}>
                  {new Date(j.startedAt).toLocaleString()} · {j.title}
                </button>{' '}
                <span className={`badge ${j.status === 'completed' ? 'ok' : j.status === 'running' ? 'warn' : 'bad'}`}>{j.status}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/** A clock that ticks while a run goes on, so active fault bands grow. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);
  return now;
}
