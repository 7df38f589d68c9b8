import { useMemo } from 'react';
import type { RecordHistory } from '../../../../shared/api/methods/record';
import { formatDuration } from '../../../../shared/record/stats';

export function HistoryTable({ history }: { history: RecordHistory }) {
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
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Sessions across incidents">
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
        </div>
      )}
    </div>
  );
}
