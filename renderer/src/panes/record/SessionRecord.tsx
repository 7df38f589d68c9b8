import { useMemo, useState } from 'react';
import type { RecordTimeline } from '../../../../shared/api/methods/record';
import { describeEvent } from '../../../../shared/record/report';
import { formatDuration } from '../../../../shared/record/stats';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { openGamedayJournal } from '../../store/gameday';
import { recordActions } from '../../store/record';
import { useVerdict, verdictFor } from '../../store/verdict';
import { EventDetails, hasDetails, isFailure } from './EventDetails';
import { MarkVerdict, suggestedEvidence, VERDICT_NOTE_ID } from './MarkVerdict';
import { NoteForm } from './NoteForm';

function toggled(set: Set<number>, id: number, on: boolean): Set<number> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** A browser download of text the backend rendered (the report). */
function download(filename: string, mediaType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mediaType};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SessionRecord({ session, timeline }: { session: string; timeline: RecordTimeline }) {
  const { summary, events } = timeline;
  const start = summary.firstEventAt ?? summary.session.createdAt;
  // Evidence to link: what the computed verdict rests on, until the person ticks their own (null).
  const [picked, setPicked] = useState<Set<number> | null>(null);
  const computed = useVerdict((s) => verdictFor(s, session));
  const suggested = useMemo(() => suggestedEvidence(computed, new Set(events.map((e) => e.id))), [computed, events]);
  const evidence = picked ?? suggested;
  const [format, setFormat] = useState<'html' | 'md'>('html');
  const [open, setOpen] = useState<Set<number>>(new Set());

  const report = useAction(`record.report:${session}`, () => recordActions.report(session, format), {
    onDone: (r) => download(r.filename, r.mediaType, r.text),
  });

  return (
    <div className="record-session">
      <div className="record-verdict" data-testid="verdict">
        {summary.verdict ? (
          <span className={`badge ${summary.verdict === 'reproduced' ? 'ok' : 'bad'}`}>
            {summary.verdict === 'reproduced' ? 'Reproduced' : 'Not reproducible'}
            {summary.verdictSource === 'computed' ? ' (computed)' : ''}
          </span>
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
          <button type="button" disabled={report.busy} onClick={() => void report.run()}>
            Export report
          </button>
        </span>
      </div>
      <ErrorNote error={report.error} prefix="Export" />
      {events.length > 5 && (
        // the timeline holds two tab stops an event: a keyboard user can go past it to the verdict
        <button type="button" className="link small" onClick={() => document.getElementById(VERDICT_NOTE_ID)?.focus()}>
          Skip the timeline to the verdict
        </button>
      )}
      <ol className="record-timeline" aria-label="Timeline">
        {events.map((e) => (
          <li key={e.id} className={`ev ev-${e.kind}${isFailure(e) ? ' failed' : ''}`}>
            <label className="ev-pick" title="Link as evidence when marking">
              <input type="checkbox" aria-label={`Evidence #${e.id}`} checked={evidence.has(e.id)} onChange={(ev) => setPicked(toggled(evidence, e.id, ev.target.checked))} />
            </label>
            <time dateTime={new Date(e.at).toISOString()} title={new Date(e.at).toISOString()}>
              +{formatDuration(e.at - start)}
            </time>
            <span className={`badge kind`}>{e.kind}</span>
            <span className="ev-text">{describeEvent(e)}</span>
            {e.kind === 'gameday' && (
              <button type="button" className="link small" onClick={() => void openGamedayJournal(session, (e.data as { id: string }).id)}>
                open in Game day
              </button>
            )}
            {hasDetails(e) && (
              <button type="button" className="link small" aria-expanded={open.has(e.id)} onClick={() => setOpen((s) => toggled(s, e.id, !s.has(e.id)))}>
                {open.has(e.id) ? 'hide' : 'details'}
              </button>
            )}
            {open.has(e.id) && <EventDetails event={e} />}
          </li>
        ))}
      </ol>
      <NoteForm session={session} />
      <MarkVerdict session={session} evidence={evidence} picked={picked !== null} onMarked={() => setPicked(null)} />
    </div>
  );
}
