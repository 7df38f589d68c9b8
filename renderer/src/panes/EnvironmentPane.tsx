import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogEvent } from '../../../shared/api/events';
import type { EngineStatus } from '../../../shared/api/methods/app';
import type { DriftItem, EnvSecretNeed, EnvSessionInfo } from '../../../shared/api/methods/environment';
import { api, runOperation } from '../api';
import { ProgressBar } from '../components/ProgressBar';
import { useApp } from '../store/app';
import './EnvironmentPane.css';

const MAX_LOG_LINES = 5000;

/**
 * Bring the open bundle's environment up, watch its sessions (several side by side), their
 * services, health, endpoints and drift, and read their logs live.
 */
export default function EnvironmentPane() {
  const bundle = useApp((s) => s.bundle);
  const tasks = useApp((s) => s.tasks);
  const [engine, setEngine] = useState<EngineStatus>();
  const [sessions, setSessions] = useState<EnvSessionInfo[]>([]);
  const [error, setError] = useState<string>();
  const [drift, setDrift] = useState<Record<string, DriftItem[]>>({});
  const [logSession, setLogSession] = useState<string>();

  const refresh = useCallback(async (probe = false) => {
    try {
      const r = await api.call('env.list', { probe });
      setEngine(r.engine);
      setSessions(r.sessions);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void refresh(true);
    const timer = setInterval(() => void refresh(false), 5000);
    const off = api.on('sessionsChanged', () => void refresh(true));
    return () => {
      clearInterval(timer);
      off();
    };
  }, [refresh]);

  useEffect(() => {
    if (!logSession && sessions[0]) setLogSession(sessions[0].name);
    if (logSession && !sessions.some((s) => s.name === logSession)) setLogSession(sessions[0]?.name);
  }, [sessions, logSession]);

  const upTasks = Object.values(tasks).filter((t) => t.method === 'env.up' && t.part !== undefined);

  return (
    <section className="pane env-pane" aria-labelledby="pane-title">
      <div className="env-toolbar">
        <h1 id="pane-title">Environment</h1>
        <button onClick={() => void refresh(true)}>Refresh</button>
        <button onClick={() => void api.call('env.gc', {}).then(() => refresh(true), (e: Error) => setError(e.message))} title="Remove resources of sessions whose owner process is gone">
          Clean up orphans
        </button>
      </div>
      <EngineBanner engine={engine} />
      {error && <p className="error" role="alert">{error}</p>}
      {bundle ? (
        <UpForm
          handle={bundle.handle}
          incidentId={bundle.manifest.incident.id}
          serviceCount={bundle.manifest.services.length}
          disabled={engine?.reachable === false}
          onDone={(session, d) => {
            setDrift((prev) => ({ ...prev, [session]: d }));
            setLogSession(session);
            void refresh(true);
          }}
        />
      ) : (
        <p className="muted">Open a bundle to bring its environment up. Running sessions are listed below.</p>
      )}
      {upTasks.length > 0 && (
        <div className="env-progress" aria-label="Start progress">
          {upTasks.map((t) => (
            <ProgressBar key={t.task} progress={t} />
          ))}
        </div>
      )}
      <div className="env-sessions">
        {sessions.length === 0 && <p className="muted">No sessions.</p>}
        {sessions.map((s) => (
          <SessionCard key={s.name} session={s} drift={drift[s.name]} onDrift={(d) => setDrift((prev) => ({ ...prev, [s.name]: d }))} onChanged={() => void refresh(true)} onLogs={() => setLogSession(s.name)} />
        ))}
      </div>
      {logSession && <LogView key={logSession} session={sessions.find((s) => s.name === logSession)} sessions={sessions.map((s) => s.name)} onSession={setLogSession} />}
    </section>
  );
}

function EngineBanner({ engine }: { engine?: EngineStatus }) {
  if (!engine) return null;
  if (engine.reachable) return <p className="muted small">Docker {engine.version} at {engine.endpoint}</p>;
  return (
    <div className="env-engine-down" role="alert">
      <strong>The Docker engine is not reachable.</strong> {engine.error}
      {engine.hint && <div>{engine.hint}</div>}
    </div>
  );
}

function UpForm(props: { handle: string; incidentId: string; serviceCount: number; disabled: boolean; onDone(session: string, drift: DriftItem[]): void }) {
  const [needs, setNeeds] = useState<EnvSecretNeed[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    void api.call('env.secrets', { handle: props.handle }).then(setNeeds, (e: Error) => setError(e.message));
  }, [props.handle]);

  const missing = needs.filter((n) => n.required && !n.available && !values[n.name]);
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const secrets = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      const report = await runOperation('env.up', { handle: props.handle, ...(name ? { session: name } : {}), ...(Object.keys(secrets).length ? { secrets } : {}) }).result;
      // the values were for this start only
      setValues({});
      props.onDone(report.session, report.drift);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (props.serviceCount === 0) return <p className="muted">{props.incidentId} has no services to run (a traces- or metrics-only bundle).</p>;
  return (
    <form
      className="env-up"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <label>
        Session name <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`${props.incidentId.toLowerCase()}-…`} pattern="[a-z0-9][a-z0-9_.\-]{0,62}" />
      </label>
      {needs.map((n) => (
        <label key={n.name} title={`needed by ${n.services.join(', ')}`}>
          {n.name}
          {n.required ? '' : ' (optional)'}{' '}
          {n.available && !values[n.name] ? <span className="badge ok">set in environment</span> : null}
          <input
            type="password"
            autoComplete="off"
            aria-label={`Secret ${n.name}`}
            value={values[n.name] ?? ''}
            placeholder={n.available ? 'override (optional)' : 'value'}
            onChange={(e) => setValues((v) => ({ ...v, [n.name]: e.target.value }))}
          />
        </label>
      ))}
      <button className="primary" type="submit" disabled={busy || props.disabled || missing.length > 0} title={missing.length ? `Missing secret: ${missing.map((m) => m.name).join(', ')}` : ''}>
        {busy ? 'Starting…' : `Start ${props.incidentId}`}
      </button>
      {missing.length > 0 && <span className="muted small">needs {missing.map((m) => m.name).join(', ')}; values are used for this start only, never stored</span>}
      {error && (
        <pre className="error env-up-error" role="alert">
          {error}
        </pre>
      )}
    </form>
  );
}

function healthBadge(health: string, state: string) {
  if (state !== 'running') return <span className="badge bad">{state}</span>;
  if (health === 'healthy') return <span className="badge ok">healthy</span>;
  if (health === 'none') return <span className="badge">running</span>;
  if (health === 'unhealthy') return <span className="badge bad">unhealthy</span>;
  return <span className="badge warn">{health}</span>;
}

function SessionCard(props: { session: EnvSessionInfo; drift?: DriftItem[]; onDrift(d: DriftItem[]): void; onChanged(): void; onLogs(): void }) {
  const s = props.session;
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const act = async (label: string, fn: () => Promise<unknown>) => {
    setBusy(label);
    setError(undefined);
    try {
      await fn();
      props.onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <article className="env-card" aria-label={`Session ${s.name}`}>
      <header>
        <h2>{s.name}</h2>
        <span className={`badge ${s.phase === 'running' ? 'ok' : s.phase === 'failed' ? 'bad' : 'warn'}`}>{s.phase}</span>
        <span className="muted small">{s.bundleId}</span>
        {!s.agent.alive && s.phase === 'running' && <span className="badge warn" title="The session agent (OTLP receiver, fixtures) is not running; repro gc would collect this session">agent gone</span>}
      </header>
      {s.engineError && <p className="error small">{s.engineError.error}</p>}
      {s.error && <p className="error small">{s.error.message}</p>}
      <table className="env-services">
        <thead>
          <tr>
            <th>Service</th>
            <th>State</th>
            <th>Endpoints</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {s.services.map((svc) => (
            <tr key={svc.name}>
              <td>{svc.name}</td>
              <td>
                {healthBadge(svc.health, svc.state)}
                {svc.exitCode !== undefined && <span className="muted small"> exit {svc.exitCode}</span>}
              </td>
              <td>
                {svc.endpoints.map((e) => (
                  <a key={e.container} href={e.url} target="_blank" rel="noreferrer" className="env-endpoint">
                    {e.container} → {e.url}
                  </a>
                ))}
              </td>
              <td className="env-actions">
                <button disabled={!!busy} onClick={() => void act(`restart ${svc.name}`, () => api.call('env.restartService', { session: s.name, service: svc.name }))}>
                  {busy === `restart ${svc.name}` ? 'Restarting…' : 'Restart'}
                </button>
                <button disabled={!!busy || svc.state !== 'running'} onClick={() => void act(`stop ${svc.name}`, () => api.call('env.stopService', { session: s.name, service: svc.name }))}>
                  Stop
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.keys(s.agent.endpoints).length > 0 && (
        <p className="muted small">
          Agent:{' '}
          {Object.entries(s.agent.endpoints)
            .filter(([k]) => !k.endsWith('Host'))
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ')}
        </p>
      )}
      <DriftList drift={props.drift} />
      <footer className="env-card-actions">
        <button onClick={props.onLogs}>Logs</button>
        <button disabled={!!busy} onClick={() => void act('drift', async () => props.onDrift(await api.call('env.drift', { session: s.name })))}>
          Check drift
        </button>
        <button className="danger" disabled={!!busy} onClick={() => void act('down', () => runOperation('env.down', { session: s.name }).result)}>
          {busy === 'down' ? 'Stopping…' : 'Stop session'}
        </button>
      </footer>
      {error && <p className="error small" role="alert">{error}</p>}
    </article>
  );
}

function DriftList({ drift }: { drift?: DriftItem[] }) {
  if (!drift) return null;
  if (drift.length === 0) return <p className="small env-drift-none">Drift: none — the engine runs what the bundle captured.</p>;
  return (
    <div className="env-drift" role="region" aria-label="Drift">
      <strong className="error">Drift: {drift.length} difference(s)</strong>
      <ul>
        {drift.map((d, i) => (
          <li key={i}>
            <code>{d.service}</code> <code>{d.field}</code>: expected <code>{JSON.stringify(d.expected)}</code>, actual <code>{JSON.stringify(d.actual)}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function LogView(props: { session?: EnvSessionInfo; sessions: string[]; onSession(name: string): void }) {
  const name = props.session?.name;
  const [lines, setLines] = useState<LogEvent[]>([]);
  const [filter, setFilter] = useState('');
  const [service, setService] = useState('');
  const [follow, setFollow] = useState(true);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!name) return;
    let subscription: string | undefined;
    let cancelled = false;
    const pending: LogEvent[] = [];
    const mine = new Set<string>();
    const off = api.on('log', (e) => {
      if (e.subscription !== undefined && mine.has(e.subscription)) pending.push(e);
    });
    const startFollowing = async () => {
      subscription = (await api.call('env.logsFollow', { session: name })).subscription;
      mine.add(subscription);
      if (cancelled) void api.call('env.logsStop', { subscription });
    };
    // A follow belongs to the event connection: when it comes back, follow again.
    const offConnection = api.on('connection', (c) => {
      if (c.state === 'open' && c.reconnected && follow && !cancelled) void startFollowing().catch(() => undefined);
    });
    // New lines are batched per animation frame so a chatty service cannot freeze the page.
    let frame = 0;
    const flush = () => {
      if (pending.length) {
        const batch = pending.splice(0);
        setLines((prev) => [...prev, ...batch].slice(-MAX_LOG_LINES));
      }
      frame = requestAnimationFrame(flush);
    };
    frame = requestAnimationFrame(flush);
    void (async () => {
      try {
        const history = await api.call('env.logs', { session: name, tail: 1000 });
        if (cancelled) return;
        setLines(history.slice(-MAX_LOG_LINES));
        if (follow) await startFollowing();
      } catch (err) {
        setError((err as Error).message);
      }
    })();
    return () => {
      cancelled = true;
      off();
      offConnection();
      cancelAnimationFrame(frame);
      if (subscription) void api.call('env.logsStop', { subscription }).catch(() => undefined);
    };
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
        <select aria-label="Log session" value={name ?? ''} onChange={(e) => props.onSession(e.target.value)}>
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
      {error && <p className="error small">{error}</p>}
      <div className="env-log-lines" ref={box} role="log" aria-live="off">
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
