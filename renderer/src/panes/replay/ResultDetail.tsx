import type { ReplayBodies } from '../../../../shared/api/methods/replay';
import type { ReplayResult } from '../../../../shared/replay/report';
import { DiffEditor } from '../../components/Editor';

export function ResultDetail({ chosen, bodies, bodiesOmitted }: { chosen?: ReplayResult; bodies?: ReplayBodies; bodiesOmitted?: boolean }) {
  return (
    <section className="replay-panel replay-detail" aria-labelledby="replay-detail-title">
      {/* Enter on a result row brings focus here (tabIndex -1: not a tab stop of its own) */}
      <h2 id="replay-detail-title" tabIndex={-1}>
        {chosen ? `#${chosen.index} ${chosen.method} ${chosen.url}` : 'Pick a result'}
        {chosen && <span className="sr-only">: {chosen.outcome}</span>}
      </h2>
      {/* focusable: a long diff scrolls inside itself, by keyboard too */}
      {chosen?.error && (
        <pre className="replay-diff-text" tabIndex={0}>
          {chosen.error}
        </pre>
      )}
      {chosen?.diff && (
        <pre className="replay-diff-text" tabIndex={0}>
          {chosen.diff}
        </pre>
      )}
      {chosen?.note && <p className="replay-note">{chosen.note}</p>}
      {chosen && chosen.outcome === 'matched' && !chosen.note && <p className="muted">Matched the recording (status, content-type and body, noise ignored).</p>}
      {bodies && bodies.language !== 'binary' && (
        <DiffEditor original={bodies.recorded} modified={bodies.replayed} language={bodies.language === 'json' ? 'json' : 'plaintext'} height={300} originalLabel="recorded" modifiedLabel="replayed" />
      )}
      {chosen && chosen.outcome !== 'matched' && !bodies && bodiesOmitted && <p className="muted small">The bodies of this mismatch were not kept (only the first mismatches keep theirs).</p>}
      {!chosen && <p className="muted">Select a mismatched result to see recorded vs replayed side by side.</p>}
    </section>
  );
}
