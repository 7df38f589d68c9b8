import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { ProgressBar } from '../../components/ProgressBar';
import { cancelOperation, runningOperation, useOperations } from '../../store/operations';
import { useAction } from '../../store/actions';
import { dataFor } from '../../store/remote';
import { useReplay } from '../../store/replay';

export function NoisePanel({ session }: { session: string }) {
  const accepted = useReplay((s) => dataFor(s.accepted, session)) ?? [];
  const acceptedError = useReplay((s) => (s.accepted.key === session ? s.accepted.error : undefined));
  const suggestions = useReplay((s) => s.suggestions[session]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const { suggestNoise, acceptNoise, removeNoise } = useReplay.getState();
  const suggest = useAction(`replay.suggestNoise:${session}`, () => suggestNoise(session), { onDone: () => setPicked(new Set()) });
  const accept = useAction(`replay.acceptNoise:${session}`, () => acceptNoise(session, [...picked]), { onDone: () => setPicked(new Set()) });
  const remove = useAction(`replay.removeNoise:${session}`, (path: string) => removeNoise(session, path));
  const op = useOperations((s) => runningOperation(s, 'replay.suggestNoise', { session }));

  return (
    <div className="replay-panel replay-noise">
      <h2>Noise</h2>
      <p className="small muted">Fields that differ between two replays of the same traffic (timestamps, ids). Proposed only; never a whole object, an array length or a status.</p>
      <ErrorNote error={acceptedError} className="small" />
      {accepted.length > 0 && (
        <ul aria-label="Accepted noise paths">
          {accepted.map((p) => (
            <li key={p}>
              <code>{p}</code>{' '}
              <button type="button" className="small" disabled={remove.busy} onClick={() => void remove.run(p)} aria-label={`Remove noise path ${p}`}>
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={remove.error} className="small" />
      <div>
        <button type="button" onClick={() => void suggest.run()} disabled={suggest.busy || Boolean(op)}>
          {suggest.busy ? 'Replaying twice…' : 'Suggest noise paths'}
        </button>{' '}
        {op && (
          <button type="button" onClick={() => void cancelOperation(op.id)}>
            Cancel
          </button>
        )}
      </div>
      {op?.progress && <ProgressBar progress={{ task: op.id, ...op.progress }} />}
      {suggest.error?.code === 'cancelled' ? <p className="muted small">Cancelled: nothing was proposed.</p> : <ErrorNote error={suggest.error} className="small" />}
      {suggestions && suggestions.suggested.length === 0 && <p className="small">No differences between the two runs.</p>}
      {suggestions && suggestions.suggested.length > 0 && (
        <>
          <ul aria-label="Suggested noise paths">
            {suggestions.suggested.map((s) => (
              <li key={s.path}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.has(s.path)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(s.path);
                      else next.delete(s.path);
                      setPicked(next);
                    }}
                  />{' '}
                  <code>{s.path}</code> <span className="muted">({s.requests} requests, e.g. {JSON.stringify(s.example.first)} vs {JSON.stringify(s.example.second)})</span>
                </label>
              </li>
            ))}
          </ul>
          <div>
            <button type="button" disabled={picked.size === 0 || accept.busy} onClick={() => void accept.run()}>
              Accept selected into this session
            </button>
          </div>
          <ErrorNote error={accept.error} className="small" />
        </>
      )}
      {suggestions && suggestions.refused.length > 0 && (
        <details className="small">
          <summary>Not proposed ({suggestions.refused.length})</summary>
          <ul>
            {suggestions.refused.map((r) => (
              <li key={r.path}>
                <code>{r.path}</code>: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
