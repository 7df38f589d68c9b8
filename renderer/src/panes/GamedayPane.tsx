import { useEffect, useMemo, useState } from 'react';
import { statusText } from '../../../shared/gameday/journal';
import { startGamedayStore, useGameday } from '../store/gameday';
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
  const s = useGameday();
  useEffect(() => {
    startGamedayStore();
    void useGameday.getState().loadSessions();
  }, []);
  const now = useNow(s.running);
  const timeline = useMemo<TimelineData | undefined>(() => {
    if (s.live) {
      const journal = s.journal?.id === s.live.runId ? s.journal : undefined;
      return {
        samples: s.live.samples,
        load: s.live.load,
        faults: Object.values(s.live.faults),
        now: journal ? journal.durationMs ?? now - Date.parse(s.live.startedAt) : now - Date.parse(s.live.startedAt),
        ...(journal?.methodStartT !== undefined ? { methodStartT: journal.methodStartT } : {}),
      };
    }
    const j = s.journal;
    if (!j) return undefined;
    const extra = [...(j.steadyState.before?.probes ?? []), ...(j.steadyState.after?.probes ?? [])];
    return { samples: [...extra, ...j.probes].sort((a, b) => a.t - b.t), load: j.load?.perSecond ?? [], faults: j.faults, now: j.durationMs ?? 0, ...(j.methodStartT !== undefined ? { methodStartT: j.methodStartT } : {}) };
  }, [s.live, s.journal, now]);

  const canRun = Boolean(s.session) && s.problems.length === 0 && !s.running;
  return (
    <section className="pane gameday-pane" aria-labelledby="pane-title">
      <div className="gameday-toolbar">
        <h1 id="pane-title">Game day</h1>
        <label className="small">
          Session{' '}
          <select aria-label="Session" value={s.session ?? ''} disabled={s.running} onChange={(e) => void s.selectSession(e.target.value || undefined)}>
            {s.sessions.length === 0 && <option value="">no running session</option>}
            {s.sessions.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name} ({x.bundleId})
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!canRun || s.planning} onClick={() => void s.checkPlan()}>
          {s.planning ? 'Resolving…' : 'Resolve plan'}
        </button>
        <button type="button" className="primary" disabled={!canRun} onClick={() => void s.start()}>
          {s.running ? 'Running…' : 'Start'}
        </button>
        <button type="button" className="gameday-halt" disabled={!s.running || s.halting} onClick={() => void s.halt()} aria-describedby="gameday-halt-help">
          {s.halting ? 'Halting…' : 'Halt'}
        </button>
        <span id="gameday-halt-help" className="muted small">
          Halt reverts every active fault at once.
        </span>
      </div>
      {s.error && (
        <p role="alert" className="error">
          {s.error}
        </p>
      )}
      {s.sessions.length === 0 && <p className="muted">Bring a session up in the Environment pane (or with repro up) to run a game day against it.</p>}
      {s.live && (
        <p className="gameday-status" role="status" aria-live="polite">
          {s.running ? `Run ${s.live.runId}: ${s.live.phase?.replace(/-/g, ' ') ?? 'starting'}` : s.journal ? statusText(s.journal.status) : ''}
        </p>
      )}
      {timeline && <Timeline data={timeline} live={s.running} />}
      {s.journal && !s.running && <JournalView journal={s.journal} />}
      <div className="gameday-main">
        <ScenarioEditor />
        {s.plan ? (
          <PlanView plan={s.plan} />
        ) : (
          <section className="gameday-panel" aria-label="Plan">
            <p className="muted">Resolve the plan to see what each step will do to which container of the session, and how it is undone. Start resolves it too.</p>
          </section>
        )}
      </div>
      {s.journals.length > 0 && (
        <section className="gameday-panel" aria-labelledby="gameday-history-title">
          <h2 id="gameday-history-title">Earlier runs on {s.session}</h2>
          <ul className="gameday-history">
            {s.journals.map((j) => (
              <li key={j.id}>
                <button type="button" className="link" disabled={s.running} onClick={() => void s.openJournal(j.id)} aria-current={s.journal?.id === j.id ? 'true' : undefined}>
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
