import { useEffect } from 'react';
import type { EngineStatus } from '../../../shared/api/methods/app';
import { ErrorNote } from '../components/ErrorNote';
import { useAction } from '../store/actions';
import { useApp } from '../store/app';
import { environmentActions, useEnvironment } from '../store/environment';
import { useSessions } from '../store/sessions';
import { LogView } from './environment/LogView';
import { SessionCard } from './environment/SessionCard';
import { UpForm } from './environment/UpForm';
import './EnvironmentPane.css';

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

/**
 * Bring the open bundle's environment up, watch its sessions (several side by side), their
 * services, health, endpoints and drift, and read their logs live.
 */
export default function EnvironmentPane() {
  const bundle = useApp((s) => s.bundle);
  const { list, refresh, watch } = useSessions();
  const logSession = useEnvironment((s) => s.logSession);
  const sessions = list.data?.sessions ?? [];
  const engine = list.data?.engine;
  const gc = useAction('env.gc', environmentActions.gc, { onDone: () => void refresh(true) });

  // Health is polled while this pane shows it (store/live.ts); a fresh probe on arrival.
  useEffect(() => {
    void refresh(true);
    return watch();
  }, [refresh, watch]);

  // The log view follows the chosen session, else the first; a session that went away is let go.
  const shownLogSession = logSession && sessions.some((s) => s.name === logSession) ? logSession : sessions[0]?.name;

  return (
    <section className="pane env-pane" aria-labelledby="pane-title">
      <div className="env-toolbar">
        <h1 id="pane-title">Environment</h1>
        <button onClick={() => void refresh(true)}>Refresh</button>
        <button onClick={() => void gc.run()} disabled={gc.busy} title="Remove resources of sessions whose owner process is gone">
          Clean up orphans
        </button>
      </div>
      <EngineBanner engine={engine} />
      <ErrorNote error={list.error} prefix="Sessions" onRetry={() => void refresh(true)} />
      <ErrorNote error={gc.error} prefix="Clean up" />
      {bundle ? (
        <UpForm handle={bundle.handle} incidentId={bundle.manifest.incident.id} serviceCount={bundle.manifest.services.length} disabled={engine?.reachable === false} />
      ) : (
        <p className="muted">Open a bundle to bring its environment up. Running sessions are listed below.</p>
      )}
      <div className="env-sessions">
        {list.data && sessions.length === 0 && <p className="muted">No sessions.</p>}
        {sessions.map((s) => (
          <SessionCard key={s.name} session={s} />
        ))}
      </div>
      {shownLogSession && <LogView key={shownLogSession} session={sessions.find((s) => s.name === shownLogSession)} sessions={sessions.map((s) => s.name)} />}
    </section>
  );
}
