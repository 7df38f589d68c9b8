import { useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { ProgressBar } from '../../components/ProgressBar';
import { useApp } from '../../store/app';
import { useTraces } from '../../store/traces';

/** Where traces come from: the bundle, a running session's OTLP output, or a file. */
export function SourceBar() {
  const bundle = useApp((s) => s.bundle);
  const { sources, active, load, cancelLoad, setActive, loading, progress, error } = useTraces();
  const [session, setSession] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <div className="trace-sources">
      <div className="row">
        {bundle && bundle.contents.traces.length > 0 && (
          <button type="button" disabled={loading} onClick={() => void load(`bundle:${bundle.handle}`, `${bundle.manifest.incident.id} traces`, { source: { kind: 'bundle', handle: bundle.handle } })}>
            Load bundle traces
          </button>
        )}
        <button type="button" disabled={loading} onClick={() => fileRef.current?.click()}>
          Open trace file…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,.jsonl,application/json"
          aria-label="Trace file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void load(`file:${f.name}`, f.name, { file: f });
            e.target.value = '';
          }}
        />
        <input aria-label="Session name" placeholder="session name" value={session} onChange={(e) => setSession(e.target.value)} size={14} />
        <button type="button" disabled={loading || !session.trim()} onClick={() => void load(`session:${session.trim()}`, `session ${session.trim()}`, { source: { kind: 'session', name: session.trim() } })}>
          Load session traces
        </button>
        {sources.length > 0 && (
          <select aria-label="Loaded source" value={active ?? ''} onChange={(e) => setActive(e.target.value)}>
            {sources.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label} ({s.summary.traces} traces, {s.summary.spans.toLocaleString()} spans)
              </option>
            ))}
          </select>
        )}
      </div>
      {progress && (
        <div className="trace-progress">
          <ProgressBar progress={progress} />
          <button type="button" onClick={cancelLoad}>
            Cancel
          </button>
        </div>
      )}
      <ErrorNote error={error} className="small" />
    </div>
  );
}
