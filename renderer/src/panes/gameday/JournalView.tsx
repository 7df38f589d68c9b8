import { probeSummary } from '../../../../shared/gameday/report';
import { statusText, type GamedayJournal } from '../../../../shared/gameday/journal';
import { useApp } from '../../store/app';
import { useSessionChoice } from '../../store/session-choice';

const ms = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n)} ms`);
const time = (iso?: string) => (iso ? new Date(iso).toLocaleTimeString() : '—');

/** The verdict and the journal of a finished run, with the way to it in the session's record. */
export function JournalView({ journal }: { journal: GamedayJournal }) {
  const setPane = useApp((s) => s.setPane);
  const setSession = useSessionChoice((s) => s.setSession);
  const j = journal;
  const tone = j.status === 'completed' ? 'ok' : j.status === 'not-started' || j.status === 'running' ? 'warn' : 'bad';
  const download = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(j, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `gameday-${j.id}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section className="gameday-panel gameday-journal" aria-labelledby="gameday-journal-title">
      <h2 id="gameday-journal-title">
        Journal <span className="muted small">{j.id}</span>
      </h2>
      <p className={`gameday-verdict ${tone}`} data-testid="gameday-verdict" data-status={j.status}>
        {statusText(j.status)}
      </p>
      <dl className="facts small">
        <dt>Steady state</dt>
        <dd>
          before: {j.steadyState.before ? (j.steadyState.before.met ? 'met' : 'not met') : '—'}; after:{' '}
          {j.steadyState.after ? (j.steadyState.after.met ? `met${j.steadyState.after.recoveredAfterMs !== undefined ? ` (${ms(j.steadyState.after.recoveredAfterMs)} after the method)` : ''}` : 'not met') : '—'}
        </dd>
        {j.stoppedBy && (
          <>
            <dt>Stopped by</dt>
            <dd>{j.stoppedBy}</dd>
          </>
        )}
        {j.haltedBy && (
          <>
            <dt>Halted by</dt>
            <dd>{j.haltedBy}</dd>
          </>
        )}
        {j.error && (
          <>
            <dt>Error</dt>
            <dd className="error">{j.error}</dd>
          </>
        )}
        {j.load && (
          <>
            <dt>Load</dt>
            <dd>
              {j.load.sent} sent, {j.load.ok} ok, {j.load.failed} failed ({j.load.traffic} at {j.load.ratePerS}/s)
            </dd>
          </>
        )}
        <dt>Residue</dt>
        <dd className={j.residue.length ? 'error' : ''} data-testid="gameday-residue">
          {j.residue.length ? j.residue.map((r) => `${r.target}: ${r.what} (${r.detail})`).join('; ') : 'none'}
        </dd>
      </dl>
      <table className="data small">
        <caption className="muted">Faults</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Fault</th>
            <th scope="col">Target</th>
            <th scope="col">Applied</th>
            <th scope="col">Reverted</th>
            <th scope="col">Recovered</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {j.faults.map((f) => (
            <tr key={f.id}>
              <td>{f.id}</td>
              <td>{f.fault}</td>
              <td>{f.target}</td>
              <td>{time(f.appliedAt)}</td>
              <td>{time(f.revertedAt)}</td>
              <td>{time(f.recoveredAt)}</td>
              <td className="error">{f.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="data small">
        <caption className="muted">Probes during the method</caption>
        <thead>
          <tr>
            <th scope="col">Probe</th>
            <th scope="col">Samples</th>
            <th scope="col">Failed</th>
            <th scope="col">Failed, no fault active</th>
            <th scope="col">Median latency, no fault</th>
            <th scope="col">Median latency, fault active</th>
          </tr>
        </thead>
        <tbody>
          {probeSummary(j.probes).map((p) => (
            <tr key={p.probe}>
              <td>{p.probe}</td>
              <td>{p.samples}</td>
              <td>{p.failed}</td>
              <td>{p.failedNoFault}</td>
              <td>{ms(p.p50Quiet)}</td>
              <td>{ms(p.p50Faulted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        Kept with the session and added to its record.{' '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setSession(j.session);
            setPane('record');
          }}
        >
          Open the record
        </button>{' '}
        ·{' '}
        <button type="button" className="link" onClick={download}>
          Download the journal (JSON)
        </button>
      </p>
    </section>
  );
}
