import { useState } from 'react';
import { markFor } from '../../../../shared/verdict/decide';
import { VERDICT_LABEL, type SessionVerdict } from '../../../../shared/verdict/types';
import type { Verdict } from '../../../../shared/record/types';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { recordActions, refreshRecordOf } from '../../store/record';
import { useVerdict, verdictFor } from '../../store/verdict';

/** The record events the computed verdict rests on that are in this timeline: the evidence a mark links unless the person picks other. */
export function suggestedEvidence(verdict: SessionVerdict | undefined, inTimeline: ReadonlySet<number>): Set<number> {
  return new Set((verdict?.evidence ?? []).filter((e) => e.verdict !== 'missing').flatMap((e) => e.recordEvents ?? []).filter((id) => inTimeline.has(id)));
}

/**
 * Mark the incident reproduced or not, starting from what the workbench computed: its verdict is
 * shown and offered first ("Confirm"), its evidence is ticked in the timeline, and the other
 * verdict is an override. The mark keeps both: the person's word and the computed verdict they saw.
 */
/** The note field's id (a stable target for links and tests). */
export const VERDICT_NOTE_ID = 'record-verdict-note';

export function MarkVerdict({ session, evidence, picked, onMarked }: { session: string; evidence: ReadonlySet<number>; picked: boolean; onMarked(): void }) {
  const verdict = useVerdict((s) => verdictFor(s, session));
  const [note, setNote] = useState('');
  const mark = useAction(`record.mark:${session}`, (v: Verdict) => recordActions.mark(session, v, note.trim(), [...evidence], verdict?.recordEvent), {
    onDone: () => {
      setNote('');
      onMarked();
      refreshRecordOf(session);
    },
  });
  const suggested = verdict ? markFor(verdict.verdict) : undefined;
  const button = (v: Verdict) => {
    const words = v === 'reproduced' ? 'reproduced' : 'not reproducible';
    const label = suggested === undefined ? `Mark ${words}` : suggested === v ? `Confirm: ${words}` : `Override: ${words}`;
    return (
      <button type="button" className={suggested === v ? 'primary' : ''} disabled={mark.busy} onClick={() => void mark.run(v)}>
        {label}
      </button>
    );
  };
  return (
    <div className="record-mark-block">
      <p className="record-computed" data-testid="computed-verdict">
        {verdict ? (
          <>
            The workbench says <strong>{VERDICT_LABEL[verdict.verdict].toLowerCase()}</strong> ({verdict.confidence} confidence): {verdict.reasons[0]}
          </>
        ) : (
          <span className="muted">The workbench has not computed a verdict for this session yet.</span>
        )}
      </p>
      <div className="record-mark">
        <input id={VERDICT_NOTE_ID} aria-label="Verdict note" placeholder="What shows it (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
        {button('reproduced')}
        {button('not-reproducible')}
        <span className="muted small">
          {evidence.size > 0
            ? `${evidence.size} event(s) linked as evidence${picked ? '' : ' (the computed verdict\u2019s)'}`
            : 'Evidence: the latest step run and replay (tick events to choose)'}
        </span>
      </div>
      <ErrorNote error={mark.error} />
    </div>
  );
}
