import type { EnvRuntimeInfo, EnvRuntimeKind } from '../../../../shared/api/methods/environment';

const RUNTIMES: Array<{ kind: EnvRuntimeKind; label: string; note: string }> = [
  { kind: 'local', label: 'Local containers', note: 'One container per service in the Docker engine (DOCKER_HOST, the docker context, or this machine’s).' },
  { kind: 'swarm', label: 'Swarm services', note: 'One swarm service per service; the engine must be a swarm manager. The seal holds; no-new-privileges cannot be set (docs/runtimes.md).' },
];

/** Where the next start runs: the choice is kept in the environment store. Radios: arrow keys move, as in any radio group. */
export function RuntimeChoice(props: { value: EnvRuntimeKind; onChange(kind: EnvRuntimeKind): void; disabled?: boolean }) {
  const current = RUNTIMES.find((r) => r.kind === props.value) ?? RUNTIMES[0]!;
  return (
    <fieldset className="env-runtime" disabled={props.disabled}>
      <legend>Runtime</legend>
      <div className="env-runtime-options">
        {RUNTIMES.map((r) => (
          <label key={r.kind} className="env-runtime-option">
            <input type="radio" name="env-runtime" value={r.kind} checked={props.value === r.kind} onChange={() => props.onChange(r.kind)} aria-describedby="env-runtime-note" />
            {r.label}
          </label>
        ))}
      </div>
      <p id="env-runtime-note" className="muted small">
        {current.note}
      </p>
    </fieldset>
  );
}

/** Which runtime runs a session, and on which engine. */
export function RuntimeBadge({ runtime }: { runtime?: EnvRuntimeInfo | undefined }) {
  if (!runtime) return null;
  return (
    <span className="env-runtime-badge small" data-testid="session-runtime">
      <span className="badge">{runtime.kind}</span> <span className="muted">on {runtime.endpoint}</span>
    </span>
  );
}
