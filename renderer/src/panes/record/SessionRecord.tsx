import { useMemo, useState, type KeyboardEvent } from 'react';
import type { RecordTimeline } from '../../../../shared/api/methods/record';
import { describeEvent } from '../../../../shared/record/report';
import { formatDuration } from '../../../../shared/record/stats';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { openGamedayJournal } from '../../store/gameday';
import { recordActions } from '../../store/record';
import { useVerdict, verdictFor } from '../../store/verdict';
import { EventDetails, hasDetails, isFailure } from './EventDetails';
import { MarkVerdict, suggestedEvidence } from './MarkVerdict';
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

/** The controls of one timeline event, in tab order (the evidence checkbox always first). */
function eventControls(e: RecordTimeline['events'][number]): ('pick' | 'gameday' | 'details')[] {
  return ['pick', ...(e.kind === 'gameday' ? (['gameday'] as const) : []), ...(hasDetails(e) ? (['details'] as const) : [])];
}

/**
 * The timeline is one tab stop (roving tabindex): Tab enters at the control used last; ↑ / ↓
 * move to the same control of the previous / next event (or its checkbox), ← / → between an
 * event's controls, Home / End to the first / last event. Space ticks, Enter opens, as usual.
 */
function moveInTimeline(e: KeyboardEvent<HTMLOListElement>, events: RecordTimeline['events']): void {
  const from = (e.target as HTMLElement).closest<HTMLElement>('[data-ev]');
  if (!from) return;
  const row = events.findIndex((x) => x.id === Number(from.dataset.ev));
  const col = Number(from.dataset.col);
  if (row < 0) return;
  const cols = (r: number) => eventControls(events[r]!).length;
  let to: [number, number] | undefined;
  if (e.key === 'ArrowDown' && row + 1 < events.length) to = [row + 1, Math.min(col, cols(row + 1) - 1)];
  else if (e.key === 'ArrowUp' && row > 0) to = [row - 1, Math.min(col, cols(row - 1) - 1)];
  else if (e.key === 'ArrowRight' && col + 1 < cols(row)) to = [row, col + 1];
  else if (e.key === 'ArrowLeft' && col > 0) to = [row, col - 1];
  else if (e.key === 'Home') to = [0, 0];
  else if (e.key === 'End') to = [events.length - 1, 0];
  if (!['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(e.key)) return;
  e.preventDefault();
  if (!to) return;
  e.currentTarget.querySelector<HTMLElement>(`[data-ev="${events[to[0]]!.id}"][data-col="${to[1]}"]`)?.focus();
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
  // The timeline's one tab stop: [event id, control index]; an event no longer listed falls back to the first.
  const [stop, setStop] = useState<[number, number]>([-1, 0]);
  const stopAt = events.some((e) => e.id === stop[0]) ? stop : ([events[0]?.id ?? -1, 0] as [number, number]);
  const stopProps = (id: number, col: number) => ({
    'data-ev': id,
    'data-col': col,
    tabIndex: stopAt[0] === id && stopAt[1] === col ? 0 : -1,
    onFocus: () => setStop([id, col]),
  });

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
      <p className="sr-only" id={`record-timeline-keys-${session}`}>
        One tab stop: up and down arrows move between events, left and right between an event's controls.
      </p>
      <ol className="record-timeline" aria-label="Timeline" aria-describedby={`record-timeline-keys-${session}`} onKeyDown={(ev) => moveInTimeline(ev, events)}>
        {events.map((e) => {
          const cols = eventControls(e);
          return (
            <li key={e.id} className={`ev ev-${e.kind}${isFailure(e) ? ' failed' : ''}`}>
              <label className="ev-pick" title="Link as evidence when marking">
                <input type="checkbox" aria-label={`Evidence #${e.id}`} checked={evidence.has(e.id)} onChange={(ev) => setPicked(toggled(evidence, e.id, ev.target.checked))} {...stopProps(e.id, 0)} />
              </label>
              <time dateTime={new Date(e.at).toISOString()} title={new Date(e.at).toISOString()}>
                +{formatDuration(e.at - start)}
              </time>
              <span className={`badge kind`}>{e.kind}</span>
              <span className="ev-text">{describeEvent(e)}</span>
              {e.kind === 'gameday' && (
                <button type="button" className="link small" onClick={() => void openGamedayJournal(session, (e.data as { id: string }).id)} {...stopProps(e.id, cols.indexOf('gameday'))}>
                  open in Game day
                </button>
              )}
              {hasDetails(e) && (
                <button type="button" className="link small" aria-expanded={open.has(e.id)} onClick={() => setOpen((s) => toggled(s, e.id, !s.has(e.id)))} {...stopProps(e.id, cols.indexOf('details'))}>
                  {open.has(e.id) ? 'hide' : 'details'}
                </button>
              )}
              {open.has(e.id) && <EventDetails event={e} />}
            </li>
          );
        })}
      </ol>
      <NoteForm session={session} />
      <MarkVerdict session={session} evidence={evidence} picked={picked !== null} onMarked={() => setPicked(null)} />
    </div>
  );
}
