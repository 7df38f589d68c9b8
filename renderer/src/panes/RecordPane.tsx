import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RecordHistory, RecordTimeline } from '../../../shared/api/methods/record';
import type { RunbookSessionChoice } from '../../../shared/api/methods/runbook';
import { describeEvent } from '../../../shared/record/report';
import { formatDuration } from '../../../shared/record/stats';
import type { RecordEvent, Verdict } from '../../../shared/record/types';
import { api } from '../api';
import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';
import { useSessionChoice } from '../store/session-choice';
import './RecordPane.css';

export default function RecordPane() {
  const bundle = useApp((s) => s.bundle);
  const { session, setSession } = useSessionChoice();
  const [choices, setChoices] = useState<string[]>([]);
  const [timeline, setTimeline] = useState<RecordTimeline | null>();
  const [history, setHistory] = useState<RecordHistory>();
  const [error, setError] = useState<string>();
  const bundleId = bundle?.manifest.incident.id;

  const refresh = useCallback(async () => {
    try {
      const [hist, live] = await Promise.all([
        api.call('record.history', {}),
        bundleId ? api.call('runbook.sessions', { bundleId }) : Promise.resolve([] as RunbookSessionChoice[]),
      ]);
      setHistory(hist);
      const names = [...new Set([...live.map((s) => s.name), ...hist.sessions.filter((s) => !bundleId || s.session.bundleId === bundleId).map((s) => s.session.name)])];
      setChoices(names);
      const current = useSessionChoice.getState().session;
      const chosen = current && names.includes(current) ? current : names[0];
      if (chosen !== current) setSession(chosen);
      setTimeline(chosen ? await api.call('record.timeline', { session: chosen }) : null);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [bundleId, setSession]);

  useEffect(() => {
    void refresh();
  }, [refresh, session]);

  // Anything recorded for this session elsewhere (a step run, a note from the CLI's window) refreshes the view.
  useEffect(() => {
    if (!session) return;
    return api.on('recordChanged', (e) => {
      if (e.session === session) void refresh();
    });
  }, [session, refresh]);

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
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!bundle && choices.length === 0 && <EmptyState />}
      {session && timeline === null && <p className="muted">Nothing recorded for {session} yet: bring it up, run a step or add a note.</p>}
      {session && timeline && <SessionRecord key={session} session={session} timeline={timeline} onChanged={() => void refresh()} />}
      {session && timeline === null && <NoteForm session={session} onAdded={() => void refresh()} />}
      {history && <HistoryTable history={history} />}
    </section>
  );
}

function SessionRecord({ session, timeline, onChanged }: { session: string; timeline: RecordTimeline; onChanged: () => void }) {
  const { summary, events } = timeline;
  const start = summary.firstEventAt ?? summary.session.createdAt;
  const [evidence, setEvidence] = useState<Set<number>>(new Set());
  const [markNote, setMarkNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [format, setFormat] = useState<'html' | 'md'>('html');
  const [open, setOpen] = useState<Set<number>>(new Set());

  const mark = async (verdict: Verdict) => {
    setBusy(true);
    try {
      await api.call('record.mark', { session, verdict, ...(markNote.trim() ? { note: markNote.trim() } : {}), ...(evidence.size > 0 ? { evidence: [...evidence] } : {}) });
      setMarkNote('');
      setEvidence(new Set());
      onChanged();
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportReport = async () => {
    try {
      const r = await api.call('record.report', { session, format });
      const url = URL.createObjectURL(new Blob([r.text], { type: `${r.mediaType};charset=utf-8` }));
      const a = document.createElement('a');
      a.href = url;
      a.download = r.filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="record-session">
      <div className="record-verdict" data-testid="verdict">
        {summary.verdict ? (
          <span className={`badge ${summary.verdict === 'reproduced' ? 'ok' : 'bad'}`}>{summary.verdict === 'reproduced' ? 'Reproduced' : 'Not reproducible'}</span>
        ) : (
          <span className="badge">No verdict yet</span>
        )}
        {summary.timeToReproduceMs !== undefined && (
          <span>
            Time to reproduce: <strong data-testid="ttr">{formatDuration(summary.timeToReproduceMs)}</strong>
          </span>
        )}
        <span className="muted small">
          {summary.eventCount} actions since {new Date(start).toLocaleString()}
        </span>
        <span className="record-export">
          <select aria-label="Report format" value={format} onChange={(e) => setFormat(e.target.value as 'html' | 'md')}>
            <option value="html">HTML</option>
            <option value="md">Markdown</option>
          </select>
          <button type="button" onClick={() => void exportReport()}>
            Export report
          </button>
        </span>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ol className="record-timeline" aria-label="Timeline">
        {events.map((e) => (
          <li key={e.id} className={`ev ev-${e.kind}${isFailure(e) ? ' failed' : ''}`}>
            <label className="ev-pick" title="Link as evidence when marking">
              <input
                type="checkbox"
                aria-label={`Evidence #${e.id}`}
                checked={evidence.has(e.id)}
                onChange={(ev) =>
                  setEvidence((s) => {
                    const n = new Set(s);
                    if (ev.target.checked) n.add(e.id);
                    else n.delete(e.id);
                    return n;
                  })
                }
              />
            </label>
            <time dateTime={new Date(e.at).toISOString()} title={new Date(e.at).toISOString()}>
              +{formatDuration(e.at - start)}
            </time>
            <span className={`badge kind`}>{e.kind}</span>
            <span className="ev-text">{describeEvent(e)}</span>
            {hasDetails(e) && (
              <button
                type="button"
                className="link small"
                aria-expanded={open.has(e.id)}
                onClick={() =>
                  setOpen((s) => {
                    const n = new Set(s);
                    if (n.has(e.id)) n.delete(e.id);
                    else n.add(e.id);
                    return n;
                  })
                }
              >
                {open.has(e.id) ? 'hide' : 'details'}
              </button>
            )}
            {open.has(e.id) && <EventDetails event={e} />}
          </li>
        ))}
      </ol>
      <NoteForm session={session} onAdded={onChanged} />
      <div className="record-mark">
        <input aria-label="Verdict note" placeholder="What shows it (optional)" value={markNote} onChange={(e) => setMarkNote(e.target.value)} />
        <button type="button" className="primary" disabled={busy} onClick={() => void mark('reproduced')}>
          Mark reproduced
        </button>
        <button type="button" disabled={busy} onClick={() => void mark('not-reproducible')}>
          Mark not reproducible
        </button>
        <span className="muted small">{evidence.size > 0 ? `${evidence.size} event(s) linked as evidence` : 'Evidence: the latest step run and replay (tick events to choose)'}</span>
      </div>
    </div>
  );
}

function isFailure(e: RecordEvent): boolean {
  const d = e.data as { ok?: boolean } | null;
  return e.kind === 'step' && d?.ok === false;
}

function hasDetails(e: RecordEvent): boolean {
  return e.kind === 'step' || e.kind === 'replay' || e.kind === 'drift' || e.kind === 'marked';
}

function EventDetails({ event }: { event: RecordEvent }) {
  if (event.kind === 'step') {
    const d = event.data as { text?: string; output?: string; expectation?: { results: Array<{ assertion: string; ok: boolean; message: string }> }; error?: string };
    return (
      <div className="ev-details">
        {d.text && <pre>{d.text}</pre>}
        {d.expectation ? (
          <ul>
            {d.expectation.results.map((r, i) => (
              <li key={i} className={r.ok ? 'ok' : 'bad'}>
                {r.ok ? '✓' : '✗'} <code>{r.assertion}</code> — {r.message}
              </li>
            ))}
          </ul>
        ) : (
          d.output && <pre>{d.output}</pre>
        )}
        {d.error && <p className="error small">{d.error}</p>}
      </div>
    );
  }
  return (
    <div className="ev-details">
      <pre>{JSON.stringify(event.data, null, 2)}</pre>
    </div>
  );
}

function NoteForm({ session, onAdded }: { session: string; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      className="record-note"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        api.call('record.note', { session, text: text.trim() }).then(
          () => {
            setText('');
            setError(undefined);
            onAdded();
          },
          (err: Error) => setError(err.message),
        );
      }}
    >
      <input aria-label="Note" placeholder="Add a note to the timeline" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={!text.trim()}>
        Add note
      </button>
      {error && <span className="error small">{error}</span>}
    </form>
  );
}

function HistoryTable({ history }: { history: RecordHistory }) {
  const { stats } = history;
  const rows = useMemo(() => history.sessions.slice(0, 50), [history]);
  return (
    <div className="record-history">
      <h2>Across sessions</h2>
      <div className="record-rates">
        <div>
          <div className="rate" data-testid="repro-rate">
            {stats.reproducibleRate === null ? '—' : `${Math.round(stats.reproducibleRate * 100)}%`}
          </div>
          <div className="muted small">
            reproducible incidents ({stats.incidentsReproduced} of {stats.incidentsWithVerdict} with a verdict)
          </div>
        </div>
        <div>
          <div className="rate" data-testid="median-ttr">
            {stats.medianTimeToReproduceMs === null ? '—' : formatDuration(stats.medianTimeToReproduceMs)}
          </div>
          <div className="muted small">median time to reproduce</div>
        </div>
      </div>
      {rows.length > 0 && (
        <table className="record-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Incident</th>
              <th>Started</th>
              <th>Verdict</th>
              <th>Time to reproduce</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.session.id}>
                <td>{s.session.name}</td>
                <td>{s.session.bundleId}</td>
                <td>{new Date(s.firstEventAt ?? s.session.createdAt).toLocaleString()}</td>
                <td>{s.verdict ?? '—'}</td>
                <td>{s.timeToReproduceMs !== undefined ? formatDuration(s.timeToReproduceMs) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
