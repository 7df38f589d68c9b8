import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNote } from '../components/ErrorNote';
import { useApp } from '../store/app';
import { recordChoices, timelineFor, useRecord } from '../store/record';
import { useSessionChoice } from '../store/session-choice';
import { HistoryTable } from './record/HistoryTable';
import { NoteForm } from './record/NoteForm';
import { SessionRecord } from './record/SessionRecord';
import './RecordPane.css';

export default function RecordPane() {
  const bundle = useApp((s) => s.bundle);
  const { session, setSession } = useSessionChoice();
  const { history, live, timeline: timelineRemote, refresh, loadTimeline } = useRecord();
  const timeline = useRecord((s) => timelineFor(s, session));
  const bundleId = bundle?.manifest.incident.id;
  const choices = recordChoices(history.data, live.key === (bundleId ?? '') ? live.data : undefined, bundleId);

  useEffect(() => {
    void refresh(bundleId);
  }, [bundleId, refresh]);
  useEffect(() => {
    if (session && useRecord.getState().timeline.key !== session) void loadTimeline(session);
  }, [session, loadTimeline]);

  return (
    <section className="pane record-pane" aria-labelledby="pane-title">
      <div className="record-toolbar">
        <h1 id="pane-title">Record</h1>
        <label className="small">
          Session{' '}
          <select aria-label="Session" value={session ?? ''} onChange={(e) => setSession(e.target.value || undefined)}>
            {choices.length === 0 && <option value="">no session yet</option>}
            {choices.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void refresh(bundleId)}>
          Refresh
        </button>
      </div>
      <ErrorNote error={history.error} prefix="Record history" />
      <ErrorNote error={live.error} prefix="Sessions" />
      {timelineRemote.key === session && <ErrorNote error={timelineRemote.error} prefix="Timeline" />}
      {!bundle && choices.length === 0 && <EmptyState />}
      {session && timeline === null && <p className="muted">Nothing recorded for {session} yet: bring it up, run a step or add a note.</p>}
      {session && timeline && <SessionRecord key={session} session={session} timeline={timeline} />}
      {session && timeline === null && <NoteForm session={session} />}
      {history.data && <HistoryTable history={history.data} />}
    </section>
  );
}
