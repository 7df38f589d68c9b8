import { useEffect, useId, useState } from 'react';
import { EVIDENCE_LABEL, EVIDENCE_VERDICT_LABEL, VERDICT_LABEL, type EvidenceVerdict, type SessionVerdict } from '../../../shared/verdict/types';
import { useApp } from '../store/app';
import { useSessionChoice } from '../store/session-choice';
import { followSessionOf, useVerdict, verdictFor } from '../store/verdict';
import { ErrorNote } from './ErrorNote';
import './VerdictStrip.css';

const MARK: Record<EvidenceVerdict, string> = { reproduced: '✓', 'not-reproduced': '✗', inconclusive: '?', missing: '–' };

function Details({ id, verdict }: { id: string; verdict: SessionVerdict }) {
  return (
    <div id={id} className="verdict-details" role="region" aria-label="Verdict details">
      <ul className="verdict-reasons">
        {verdict.reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      <table className="verdict-evidence-table">
        <caption className="sr-only">Evidence, each judged on its own</caption>
        <thead>
          <tr>
            <th scope="col">Evidence</th>
            <th scope="col">Verdict</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {verdict.evidence.map((e) => (
            <tr key={e.kind} className={`ev-${e.verdict}`}>
              <th scope="row">{EVIDENCE_LABEL[e.kind]}</th>
              <td>
                <span aria-hidden>{MARK[e.verdict]} </span>
                {EVIDENCE_VERDICT_LABEL[e.verdict]}
              </td>
              <td>{e.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Computed {new Date(verdict.computedAt).toLocaleTimeString()} by the rules in docs/verdict.md; the Record pane keeps it with your own mark.
      </p>
    </div>
  );
}

/**
 * Always visible under the top bar: the computed verdict of the session being followed, with
 * the sentence that decides it and a chip per kind of evidence; Details shows every reason and
 * explanation. It updates as evidence arrives (the event table refreshes the verdict store).
 */
export function VerdictStrip() {
  const bundleId = useApp((s) => s.bundle?.manifest.incident.id);
  const session = useSessionChoice((s) => s.session);
  const remote = useVerdict((s) => s.current);
  const verdict = useVerdict((s) => verdictFor(s, session));
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const titleId = useId();

  useEffect(() => {
    void followSessionOf(bundleId);
  }, [bundleId, session]);
  useEffect(() => {
    if (session) void useVerdict.getState().load(session);
  }, [session]);

  return (
    <section className="verdict-strip" aria-labelledby={titleId} data-testid="verdict-strip" data-verdict={verdict?.verdict ?? 'none'}>
      <div className="verdict-line">
        <h2 id={titleId} className="verdict-title">
          Verdict
        </h2>
        {!session && <span className="muted">No session yet: bring the incident up (Environment) to get a verdict.</span>}
        {session && (
          <>
            <span className="verdict-summary" aria-live="polite" aria-atomic="true">
              {verdict ? (
                <>
                  <span className={`verdict-badge v-${verdict.verdict}`} data-testid="verdict-value">
                    {VERDICT_LABEL[verdict.verdict]}
                  </span>{' '}
                  <span className="verdict-confidence">{verdict.confidence} confidence</span>
                  <span className="sr-only">. </span>
                  <span className="verdict-reason" title={verdict.reasons.join(' ')} data-testid="verdict-reason">
                    {verdict.reasons[0]}
                  </span>
                </>
              ) : (
                <span className="muted">{remote.loading ? 'Computing…' : 'No verdict yet.'}</span>
              )}
            </span>
            <button type="button" className="small" aria-expanded={open} aria-controls={detailsId} disabled={!verdict} onClick={() => setOpen((o) => !o)}>
              {open ? 'Hide details' : 'Details'}
            </button>
            <button type="button" className="small" disabled={remote.loading} onClick={() => void useVerdict.getState().load(session)} aria-label="Compute the verdict again">
              Recompute
            </button>
          </>
        )}
      </div>
      {session && (
        // Evidence chips and the session on a line of their own, so the deciding sentence keeps the width.
        <div className="verdict-line verdict-evidence-line">
          {verdict && (
            <ul className="verdict-chips" aria-label="Evidence">
              {verdict.evidence.map((e) => (
                <li key={e.kind} className={`verdict-chip ev-${e.verdict}`} title={`${EVIDENCE_LABEL[e.kind]}: ${e.explanation}`}>
                  <span aria-hidden>{MARK[e.verdict]}</span> {EVIDENCE_LABEL[e.kind]}
                  <span className="sr-only">: {EVIDENCE_VERDICT_LABEL[e.verdict]}</span>
                </li>
              ))}
            </ul>
          )}
          <span className="verdict-session muted small">
            session <strong>{session}</strong>
          </span>
        </div>
      )}
      {session && remote.key === session && <ErrorNote error={remote.error} prefix="Verdict" />}
      {open && verdict && <Details id={detailsId} verdict={verdict} />}
    </section>
  );
}
