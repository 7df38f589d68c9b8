import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { environmentActions, useEnvironment } from '../../store/environment';
import { dataFor } from '../../store/remote';
import { refreshSessions } from '../../store/sessions';

interface MissingSecret {
  name: string;
}

/** Names a `secret_missing` error says are missing (its details, as the backend sends them). */
function missingNames(details: unknown): string[] {
  const missing = (details as { missing?: MissingSecret[] } | undefined)?.missing;
  return Array.isArray(missing) ? missing.map((m) => m.name) : [];
}

/**
 * Start the open bundle's environment. Secrets the backend lacks are asked for here (used for
 * this start only, never stored); those it has can be overridden. A start refused for a missing
 * secret opens the prompt on exactly the secrets it names.
 */
export function UpForm(props: { handle: string; incidentId: string; serviceCount: number; disabled: boolean }) {
  const secrets = useEnvironment((s) => s.secrets);
  const needs = dataFor(secrets, props.handle) ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [prompted, setPrompted] = useState<string[]>([]);
  const [showOverrides, setShowOverrides] = useState(false);
  const firstPrompted = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (useEnvironment.getState().secrets.key !== props.handle) void useEnvironment.getState().loadSecrets(props.handle);
  }, [props.handle]);
  useEffect(() => firstPrompted.current?.focus(), [prompted]);

  const up = useAction(`env.up:${props.handle}`, environmentActions.up, {
    onDone: (report) => {
      // the values were for this start only
      setValues({});
      setPrompted([]);
      useEnvironment.getState().setDrift(report.session, report.drift);
      useEnvironment.getState().setLogSession(report.session);
      refreshSessions();
    },
    onError: (error) => {
      if (error.code !== 'secret_missing') return;
      setPrompted(missingNames(error.details));
      setShowOverrides(true);
      void useEnvironment.getState().loadSecrets(props.handle);
    },
  });

  const missing = needs.filter((n) => n.required && !n.available && !values[n.name]);
  const overridable = needs.filter((n) => n.available);
  const shown = needs.filter((n) => !n.available || showOverrides || values[n.name] || prompted.includes(n.name));
  if (props.serviceCount === 0) return <p className="muted">{props.incidentId} has no services to run (a traces- or metrics-only bundle).</p>;
  return (
    <form
      className="env-up"
      onSubmit={(e) => {
        e.preventDefault();
        void up.run(props.handle, name, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')));
      }}
    >
      <label>
        Session name <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`${props.incidentId.toLowerCase()}-…`} pattern="[a-z0-9][a-z0-9_.\-]{0,62}" />
      </label>
      {shown.map((n) => (
        <label key={n.name} title={`needed by ${n.services.join(', ')}`}>
          {n.name}
          {n.required ? '' : ' (optional)'} {n.available && !values[n.name] ? <span className="badge ok">set in environment</span> : null}
          <input
            ref={prompted.includes(n.name) && prompted.indexOf(n.name) === 0 ? firstPrompted : undefined}
            type="password"
            autoComplete="off"
            aria-label={`Secret ${n.name}`}
            aria-invalid={prompted.includes(n.name) && !values[n.name] ? true : undefined}
            value={values[n.name] ?? ''}
            placeholder={n.available ? 'override (optional)' : 'value'}
            onChange={(e) => setValues((v) => ({ ...v, [n.name]: e.target.value }))}
          />
        </label>
      ))}
      {overridable.length > 0 && !showOverrides && (
        <button type="button" className="link small" onClick={() => setShowOverrides(true)}>
          Override {overridable.length} secret{overridable.length === 1 ? '' : 's'} set in the environment
        </button>
      )}
      <button className="primary" type="submit" disabled={up.busy || props.disabled || missing.length > 0} title={missing.length ? `Missing secret: ${missing.map((m) => m.name).join(', ')}` : ''}>
        {up.busy ? 'Starting…' : `Start ${props.incidentId}`}
      </button>
      {missing.length > 0 && <span className="muted small">needs {missing.map((m) => m.name).join(', ')}; values are used for this start only, never stored</span>}
      <ErrorNote error={secrets.key === props.handle ? secrets.error : undefined} prefix="Secrets" />
      <ErrorNote error={up.error} className="env-up-error" />
    </form>
  );
}
