/**
 * Logs: an incident's logs/*.jsonl or a session's output, read in the backend and shown a
 * window at a time: filters (service, level, text or regex, time range brushed on the
 * histogram, template), the template table, a line's fields and the way to its trace.
 */
import { useEffect, useState } from 'react';
import { LEVEL_NAMES, type LevelName } from '../../../shared/logs/levels';
import { ProgressBar } from '../components/ProgressBar';
import { useApp } from '../store/app';
import { useLogs } from '../store/logs';
import { progressBars, useOperations } from '../store/operations';
import { clock, LogHistogram } from './logs/Histogram';
import { LineDetail } from './logs/LineDetail';
import { LogList } from './logs/LogList';
import { TemplateTable } from './logs/Templates';
import './logs/logs.css';

function SourceBar() {
  const bundle = useApp((s) => s.bundle);
  const { open, status, source } = useLogs();
  const [session, setSession] = useState('');
  return (
    <div className="logs-toolbar">
      {bundle && (
        <button type="button" onClick={() => void open({ kind: 'bundle', handle: bundle.handle })} disabled={source?.kind === 'bundle' && source.handle === bundle.handle && status?.loading}>
          Incident logs
        </button>
      )}
      <input aria-label="Session name" placeholder="session name" value={session} onChange={(e) => setSession(e.target.value)} size={14} />
      <button type="button" disabled={!session.trim()} onClick={() => void open({ kind: 'session', name: session.trim() }, { reload: true })}>
        Load session logs
      </button>
      {status && (
        <span className="small muted" aria-live="polite" data-testid="logs-status">
          {status.label}: {status.lines.toLocaleString('en')} lines{status.loading ? ' so far' : ''}
          {status.badLines > 0 && <span className="error"> · {status.badLines} bad</span>}
        </span>
      )}
    </div>
  );
}

function Filters() {
  const { status, filter, setFilter, total } = useLogs();
  const [text, setText] = useState(filter.text ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  useEffect(() => {
    // compared with the filter as it is when the pause ends (a brush may have changed it meanwhile)
    const t = setTimeout(() => (text || undefined) !== useLogs.getState().filter.text && setFilter({ text: text || undefined }), 250);
    return () => clearTimeout(t);
  }, [text]);
  let regexError = '';
  if (filter.regex && text) {
    try {
      new RegExp(text);
    } catch (err) {
      regexError = (err as Error).message;
    }
  }
  const levels = LEVEL_NAMES.filter((l) => status?.levels[l]);
  const toggleLevel = (l: LevelName) => {
    const cur = new Set<LevelName>(filter.levels ?? []);
    if (cur.has(l)) cur.delete(l);
    else cur.add(l);
    setFilter({ levels: [...cur] });
  };
  return (
    <div className="logs-toolbar" role="search" aria-label="Filter log lines">
      <select aria-label="Service" value={filter.services?.[0] ?? ''} onChange={(e) => setFilter({ services: e.target.value ? [e.target.value] : undefined })}>
        <option value="">All services</option>
        {(status?.services ?? []).map((s) => (
          <option key={s} value={s}>
            {s || '(none)'}
          </option>
        ))}
      </select>
      <div className="logs-levels" role="group" aria-label="Levels">
        {levels.map((l) => (
          <button key={l} type="button" aria-pressed={filter.levels?.includes(l) ?? false} onClick={() => toggleLevel(l)}>
            {l} <span className="small">{status!.levels[l]!.toLocaleString('en')}</span>
          </button>
        ))}
      </div>
      <input type="search" aria-label={filter.regex ? 'Regular expression' : 'Text'} placeholder={filter.regex ? 'regular expression' : 'text in the message'} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={regexError ? true : undefined} />
      <label className="small">
        <input type="checkbox" checked={filter.regex ?? false} onChange={(e) => setFilter({ regex: e.target.checked || undefined })} /> regex
      </label>
      {regexError && <span className="small error">{regexError}</span>}
      <span className="small muted" data-testid="logs-total">
        {total.toLocaleString('en')} lines match
      </span>
    </div>
  );
}

function Chips() {
  const { filter, setFilter } = useLogs();
  const chips: Array<{ label: string; clear: () => void }> = [];
  if (filter.from !== undefined || filter.to !== undefined) chips.push({ label: `time ${filter.from !== undefined ? clock(filter.from) : '…'} – ${filter.to !== undefined ? clock(filter.to) : '…'}`, clear: () => setFilter({ from: undefined, to: undefined }) });
  if (filter.template !== undefined) chips.push({ label: `template #${filter.template}`, clear: () => setFilter({ template: undefined }) });
  if (filter.traceId) chips.push({ label: `trace ${filter.traceId.slice(0, 12)}…${filter.spanId ? ` span ${filter.spanId.slice(0, 8)}…` : ''}`, clear: () => setFilter({ traceId: undefined, spanId: undefined }) });
  if (!chips.length) return null;
  return (
    <div className="logs-chips" aria-label="Active filters">
      {chips.map((c) => (
        <span key={c.label} className="logs-chip">
          {c.label}
          <button type="button" aria-label={`Remove filter ${c.label}`} onClick={c.clear}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}

function BadLines() {
  const status = useLogs((s) => s.status);
  if (!status?.badLines) return null;
  return (
    <details className="small">
      <summary className="error">
        {status.badLines} bad line{status.badLines === 1 ? '' : 's'} skipped
      </summary>
      <ul className="logs-bad">
        {status.bad.map((b) => (
          <li key={`${b.file}:${b.line}`}>
            <code>
              {b.file}:{b.line}
            </code>{' '}
            {b.error} — <code>{b.text}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

export default function LogsPane() {
  const bundle = useApp((s) => s.bundle);
  const { id, opId, status, histogram, filter, setFilter, open, error, source } = useLogs();
  // The incident's logs on first visit.
  useEffect(() => {
    if (bundle && (bundle.contents.logs?.length ?? 0) > 0 && !source) void open({ kind: 'bundle', handle: bundle.handle });
  }, [bundle?.handle]);
  // the operation itself is a stable reference; its bar is made here, not in the selector
  const op = useOperations((s) => (opId ? s.byId[opId] : undefined));
  const progress = progressBars(op)[0];
  return (
    <section className="pane logs-pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Logs</h1>
      <SourceBar />
      {progress && status?.loading && <ProgressBar progress={progress} />}
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
      {status?.error && (
        <p role="alert" className="error small">
          Reading stopped: {status.error}
        </p>
      )}
      {!id && !error && <p className="muted">{bundle ? 'This bundle has no logs/ folder. Load a session’s logs by its name.' : 'Open a bundle with logs, or load a session’s logs by its name.'}</p>}
      {id && (
        <>
          <Filters />
          <Chips />
          {histogram && <LogHistogram h={histogram} range={{ ...(filter.from !== undefined ? { from: filter.from } : {}), ...(filter.to !== undefined ? { to: filter.to } : {}) }} onRange={(from, to) => setFilter({ from, to })} />}
          <BadLines />
          <div className="logs-layout">
            <div className="logs-main">
              <LogList />
            </div>
            <div className="logs-side">
              <TemplateTable />
              <LineDetail />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
