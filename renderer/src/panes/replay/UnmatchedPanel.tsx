import { ErrorNote } from '../../components/ErrorNote';
import { dataFor } from '../../store/remote';
import { useReplay } from '../../store/replay';

export function UnmatchedPanel({ session }: { session: string }) {
  const remote = useReplay((s) => s.unmatched);
  const unmatched = dataFor(remote, session) ?? [];
  return (
    <div className="replay-panel replay-unmatched">
      <h2>External requests nothing matched</h2>
      {remote.key === session && <ErrorNote error={remote.error} className="small" />}
      {unmatched.length === 0 ? (
        <p className="muted small">None: every request to a recorded dependency got its recorded answer.</p>
      ) : (
        <ul>
          {unmatched.slice(-50).map((u, i) => (
            <li key={i}>
              <code>
                {u.method} {u.host}
                {u.target}
              </code>{' '}
              → 502 <span className="muted">({u.reason})</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
