import { useEffect, useMemo, useRef, useState } from 'react';
import type { EnvSessionInfo } from '../../../../shared/api/methods/environment';
import { ErrorNote } from '../../components/ErrorNote';
import { useEnvironment } from '../../store/environment';
import { dataFor } from '../../store/remote';

/** A session's logs: the last thousand lines, then new ones as they come while `follow` is on. */
export function LogView(props: { session?: EnvSessionInfo; sessions: string[] }) {
  const name = props.session?.name;
  const logs = useEnvironment((s) => s.logs);
  const lines = useMemo(() => dataFor(logs, name) ?? [], [logs, name]);
  const [filter, setFilter] = useState('');
  const [service, setService] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!name) return;
    return useEnvironment.getState().followLogs(name, follow);
  }, [name, follow]);

  const shown = useMemo(() => {
    const f = filter.toLowerCase();
    return lines.filter((l) => (!service || l.service === service) && (!f || l.line.toLowerCase().includes(f)));
  }, [lines, filter, service]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown, follow]);

  const services = props.session?.services.map((s) => s.name) ?? [];
  return (
    <section className="env-logs" aria-label="Logs">
      <div className="env-logs-toolbar">
        <h2>Logs</h2>
        <select aria-label="Log session" value={name ?? ''} onChange={(e) => useEnvironment.getState().setLogSession(e.target.value)}>
          {props.sessions.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Log service" value={service} onChange={(e) => setService(e.target.value)}>
          <option value="">all services</option>
          {services.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <input aria-label="Filter logs" placeholder="filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label className="small">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <span className="muted small">
          {shown.length} / {lines.length} lines
        </span>
      </div>
      {logs.key === name && <ErrorNote error={logs.error} className="small" />}
      <div className="env-log-lines" ref={box} role="log" aria-live="off" tabIndex={0} aria-label={`Log lines of ${name ?? 'no session'}`}>
        {shown.map((l, i) => (
          <div key={i} className={`env-log-line${l.stream === 'stderr' ? ' stderr' : ''}`}>
            <time>{new Date(l.ts).toISOString().slice(11, 23)}</time>
            <span className={`env-log-service svc-${services.indexOf(l.service) % 6}`}>{l.service}</span>
            <span className="env-log-text">{l.line}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
