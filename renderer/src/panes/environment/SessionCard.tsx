import type { DriftItem, EnvSessionInfo } from '../../../../shared/api/methods/environment';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { environmentActions, useEnvironment } from '../../store/environment';
import { runningOperation, useOperations } from '../../store/operations';
import { refreshSessions } from '../../store/sessions';
import { ProgressBar } from '../../components/ProgressBar';
import { RuntimeBadge } from './Runtime';
import { SandboxStatus } from './Sandbox';

function healthBadge(health: string, state: string) {
  if (state !== 'running') return <span className="badge bad">{state}</span>;
  if (health === 'healthy') return <span className="badge ok">healthy</span>;
  if (health === 'none') return <span className="badge">running</span>;
  if (health === 'unhealthy') return <span className="badge bad">unhealthy</span>;
  return <span className="badge warn">{health}</span>;
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

export function SessionCard({ session: s }: { session: EnvSessionInfo }) {
  const drift = useEnvironment((st) => st.drift[s.name]);
  const downError = useEnvironment((st) => st.downErrors[s.name]);
  // Stopping is an operation: busy while one runs on this session, whoever started it.
  const stopping = useOperations((st) => runningOperation(st, 'env.down', { session: s.name }));
  // One action per card (a card does one thing at a time); its label says which, also after a pane switch.
  const act = useAction(`env.session:${s.name}`, (_what: string, fn: () => Promise<unknown>) => fn(), { label: (what) => what, onDone: refreshSessions });
  const run = (what: string, fn: () => Promise<unknown>) => void act.run(what, fn);
  return (
    <article className="env-card" aria-label={`Session ${s.name}`}>
      <header>
        <h2>{s.name}</h2>
        <span className={`badge ${s.phase === 'running' ? 'ok' : s.phase === 'failed' ? 'bad' : 'warn'}`}>{s.phase}</span>
        <span className="muted small">{s.bundleId}</span>
        <RuntimeBadge runtime={s.runtime} />
        {!s.agent.alive && s.phase === 'running' && (
          <span className="badge warn" title="The session agent (OTLP receiver, fixtures) is not running; repro gc would collect this session">
            agent gone
          </span>
        )}
        <SandboxStatus sandbox={s.sandbox} />
      </header>
      {s.engineError && <p className="error small">{s.engineError.error}</p>}
      {s.error && <p className="error small">{s.error.message}</p>}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`Services of ${s.name}`}>
        <table className="env-services">
          <thead>
            <tr>
              <th>Service</th>
              <th>State</th>
              <th>Endpoints</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
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
                  <button aria-label={`Restart ${svc.name}`} disabled={act.busy} onClick={() => run(`restart ${svc.name}`, () => environmentActions.restartService(s.name, svc.name))}>
                    {act.busyWith === `restart ${svc.name}` ? 'Restarting…' : 'Restart'}
                  </button>
                  <button aria-label={`Stop ${svc.name}`} disabled={act.busy || svc.state !== 'running'} onClick={() => run(`stop ${svc.name}`, () => environmentActions.stopService(s.name, svc.name))}>
                    Stop
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.keys(s.agent.endpoints).length > 0 && (
        <p className="muted small">
          Agent:{' '}
          {Object.entries(s.agent.endpoints)
            .filter(([k]) => !k.endsWith('Host'))
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ')}
        </p>
      )}
      <DriftList drift={drift} />
      <footer className="env-card-actions">
        <button onClick={() => useEnvironment.getState().setLogSession(s.name)}>Logs</button>
        <button disabled={act.busy} onClick={() => run('drift', async () => useEnvironment.getState().setDrift(s.name, await environmentActions.drift(s.name)))}>
          Check drift
        </button>
        <button className="danger" disabled={act.busy || Boolean(stopping)} onClick={() => void useEnvironment.getState().down(s.name)}>
          {stopping ? 'Stopping…' : 'Stop session'}
        </button>
      </footer>
      {stopping?.progress && <ProgressBar progress={{ task: stopping.id, ...stopping.progress }} />}
      <ErrorNote error={act.error} className="small" />
      <ErrorNote error={downError} prefix="Stop" className="small" />
    </article>
  );
}
