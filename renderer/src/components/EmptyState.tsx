import { useState, type DragEvent } from 'react';
import { focusPaneHeading } from '../a11y/focus';
import { api } from '../api';
import { useApp } from '../store/app';
import { useOperations } from '../store/operations';
import { ErrorNote } from './ErrorNote';
import { ProgressBar } from './ProgressBar';

/**
 * What a user sees with nothing open: open a bundle by path (web host), by dialog or drop
 * (desktop), from the recent list, or the sample incident that ships with the app.
 */
export function EmptyState() {
  const info = useApp((s) => s.info.data);
  const recent = useApp((s) => s.recent);
  const { opening, openError, openBundle: open, cancelOpen, setPane } = useApp();
  // This view (and the control that opened) goes when the bundle opens: its pane's heading takes focus.
  const openBundle = async (path: string) => {
    await open(path);
    if (useApp.getState().bundle) focusPaneHeading();
  };
  const openOp = useOperations((s) => (opening ? s.byId[opening] : undefined));
  const [path, setPath] = useState('');
  const [dragging, setDragging] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && api.desktop) void openBundle(api.desktop.pathForFile(file));
  };

  return (
    <div
      className={`empty-state${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2>Open an incident bundle</h2>
      <p className="muted">
        A bundle is a folder or a <code>.tar</code>/<code>.tgz</code> with a <code>bundle.json</code>: images pinned by id, env and
        flags, snapshots, traffic, traces, metrics and a runbook. It is verified before anything runs.
      </p>
      <form
        className="open-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void openBundle(path.trim());
        }}
      >
        <label htmlFor="bundle-path">Bundle path</label>
        <input
          id="bundle-path"
          name="bundle-path"
          placeholder="/path/to/incident or incident.tgz"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          spellCheck={false}
        />
        <button type="submit" disabled={Boolean(opening) || !path.trim()}>
          Open
        </button>
        {api.desktop && (
          <button
            type="button"
            onClick={() =>
              void api.desktop!.chooseBundle().then((p) => {
                if (p) void openBundle(p);
              })
            }
          >
            Choose…
          </button>
        )}
      </form>
      {api.desktop && <p className="muted small">…or drop a bundle folder or archive on this window.</p>}
      {info?.samplePath && (
        <p>
          <button type="button" className="primary" disabled={Boolean(opening)} onClick={() => void openBundle(info.samplePath!)}>
            Open the sample incident
          </button>
        </p>
      )}
      <p>
        <button type="button" onClick={() => setPane('capture')}>
          Capture from running containers…
        </button>{' '}
        <span className="muted small">No bundle yet? Make one from a running compose project or containers.</span>
      </p>
      {opening && (
        <div className="open-progress" role="status">
          {openOp?.progress ? <ProgressBar progress={{ task: openOp.id, ...openOp.progress }} /> : 'Opening…'}
          <button type="button" onClick={cancelOpen}>
            Cancel
          </button>
        </div>
      )}
      <ErrorNote error={openError} />
      <ErrorNote error={recent.error} prefix="Recent bundles" onRetry={() => void useApp.getState().refreshRecent()} />
      {recent.data && recent.data.length > 0 && (
        <div className="recent">
          <h3>Recent bundles</h3>
          <ul>
            {recent.data.map((r) => (
              <li key={r.path}>
                <button type="button" className="link" onClick={() => void openBundle(r.path)} title={r.path}>
                  {r.incidentId} — {r.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
