import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { ProgressBar } from '../../components/ProgressBar';
import { useEnvironment } from '../../store/environment';
import { cancelOperation, progressBars, runningOperation, useOperations } from '../../store/operations';
import { dataFor } from '../../store/remote';
import { RuntimeChoice } from './Runtime';
import { EgressChoice } from './Sandbox';

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
  const [allowEgress, setAllowEgress] = useState(false);
  const [showOverrides, setShowOverrides] = useState(false);
  const firstPrompted = useRef<HTMLInputElement>(null);
  const up = useEnvironment((s) => s.ups[props.handle]);
  const runtime = useEnvironment((s) => s.runtime);
  const op = useOperations((s) => runningOperation(s, 'env.up', { handle: props.handle }));
  const bars = useMemo(() => progressBars(op), [op]);
  // A start refused for missing secrets opens the prompt on exactly those (kept in the store: also after a pane switch).
  const prompted = useMemo(() => (up?.error?.code === 'secret_missing' ? missingNames(up.error.details) : []), [up?.error]);
  const busy = Boolean(up?.running) || Boolean(op);

  useEffect(() => {
    if (useEnvironment.getState().secrets.key !== props.handle) void useEnvironment.getState().loadSecrets(props.handle);
  }, [props.handle]);
  useEffect(() => firstPrompted.current?.focus(), [prompted]);
  useEffect(() => {
    // the values were for this start only
    if (up && !up.running && !up.error) setValues({});
  }, [up]);

  const missing = needs.filter((n) => n.required && !n.available && !values[n.name]);
  const overridable = needs.filter((n) => n.available);
  const shown = needs.filter((n) => !n.available || showOverrides || values[n.name] || prompted.includes(n.name));
  const start = () => void useEnvironment.getState().up(props.handle, name, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')), { allowEgress, runtime });
  if (props.serviceCount === 0) return <p className="muted">{props.incidentId} has no services to run (a traces- or metrics-only bundle).</p>;
  return (
    <form
      className="env-up"
      onSubmit={(e) => {
        e.preventDefault();
        start();
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
      <RuntimeChoice value={runtime} onChange={(k) => useEnvironment.getState().setRuntime(k)} disabled={busy} />
      <EgressChoice checked={allowEgress} onChange={setAllowEgress} />
      <button className="primary" type="submit" disabled={busy || props.disabled || missing.length > 0} title={missing.length ? `Missing secret: ${missing.map((m) => m.name).join(', ')}` : ''}>
        {busy ? 'Starting…' : `Start ${props.incidentId}`}
      </button>
      {busy && op && (
        // cancelling an up removes what it created
        <button type="button" onClick={() => void cancelOperation(op.id)}>
          Cancel
        </button>
      )}
      {missing.length > 0 && <span className="muted small">needs {missing.map((m) => m.name).join(', ')}; values are used for this start only, never stored</span>}
      <ErrorNote error={secrets.key === props.handle ? secrets.error : undefined} prefix="Secrets" />
      {bars.length > 0 && (
        <div className="env-progress" aria-label="Start progress">
          {bars.map((t) => (
            <ProgressBar key={t.task} progress={t} />
          ))}
        </div>
      )}
      {up?.cancelled && <p className="muted small">Start cancelled: what it had created was removed.</p>}
      <ErrorNote error={up?.error} className="env-up-error" />
    </form>
  );
}
