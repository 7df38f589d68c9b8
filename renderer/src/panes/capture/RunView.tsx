import { formatBytes } from '../../../../shared/format/bytes';
import { ProgressBar } from '../../components/ProgressBar';
import { useApp } from '../../store/app';
import { useCapture } from '../../store/capture';

/** Step 3: progress for images and snapshots, then what was captured (the bundle opens by itself). */
export function RunView() {
  const run = useCapture((s) => s.run);
  const openBundle = useApp((s) => s.openBundle);
  if (!run) return null;
  const tasks = Object.values(run.tasks);
  const r = run.report;
  return (
    <div className="capture-step">
      <div className="capture-step-head">
        <h2>3. {run.running ? 'Capturing…' : r ? 'Captured' : 'Capture failed'}</h2>
        {run.running && run.cancel && (
          <button type="button" onClick={() => void run.cancel!()}>
            Cancel
          </button>
        )}
      </div>
      {tasks.length > 0 && (
        <div className="capture-progress" aria-label="Capture progress">
          {tasks.map((t) => (
            <ProgressBar key={t.task} progress={t} />
          ))}
        </div>
      )}
      {run.error && (
        <p className="error capture-error" role="alert">
          {run.error}
        </p>
      )}
      {r && (
        <div className="capture-card" role="status" aria-label="Capture summary">
          <header className="capture-card-head">
            <h3>
              {r.bundle.id} — {r.bundle.title}
            </h3>
            <span className={`badge capture-verdict ${r.verify.ok ? 'ok' : 'bad'}`}>{r.verify.ok ? '✔ verified' : '✘ does not verify'}</span>
          </header>
          <p className="mono small">{r.bundle.path}</p>
          <p>
            {r.totals.files} files, {formatBytes(r.totals.bytes)}: {r.totals.images} image{r.totals.images === 1 ? '' : 's'}, {r.totals.snapshots} snapshot
            {r.totals.snapshots === 1 ? '' : 's'} in {(r.totals.durationMs / 1000).toFixed(1)} s
          </p>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Image</th>
                <th scope="col">Snapshots</th>
                <th scope="col">Secrets (names only)</th>
              </tr>
            </thead>
            <tbody>
              {r.services.map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td>
                  <td className="mono small">{s.image.archive}</td>
                  <td className="small">{s.snapshots.map((x) => `${x.target} (${formatBytes(x.bytes)})`).join(', ') || 'none'}</td>
                  <td className="small">{s.secrets.map((x) => x.name).join(', ') || 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.notCaptured.length > 0 && (
            <ul className="capture-list small">
              {r.notCaptured.map((n) => (
                <li key={`${n.what}${n.why}`}>
                  Not captured: <strong>{n.what}</strong> — {n.why}
                </li>
              ))}
            </ul>
          )}
          {r.warnings.length > 0 && (
            <ul className="capture-list small">
              {r.warnings.map((w) => (
                <li key={`${w.path}${w.message}`}>Warning: {w.message}</li>
              ))}
            </ul>
          )}
          <button type="button" className="primary" onClick={() => void openBundle(r.bundle.path)}>
            Open the bundle
          </button>
        </div>
      )}
    </div>
  );
}
