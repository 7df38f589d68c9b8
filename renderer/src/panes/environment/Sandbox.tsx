import type { EnvSandboxInfo } from '../../../../shared/api/methods/environment';

/**
 * The "Allow egress" choice of the up form. Sealed is the default; opening it is said plainly,
 * because an incident environment that reaches a real payment provider during a replay is a
 * disaster, and the record keeps which it was.
 */
export function EgressChoice(props: { checked: boolean; onChange(checked: boolean): void }) {
  return (
    <div className="env-egress">
      <label className="env-egress-choice">
        <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} aria-describedby="env-egress-note" />
        Allow egress
      </label>
      <p id="env-egress-note" className={props.checked ? 'env-egress-warning small' : 'muted small'} role={props.checked ? 'alert' : undefined}>
        {props.checked
          ? 'Warning: the containers will reach the internet, your LAN and this machine; a replay may call real external services. The record will say egress was allowed.'
          : 'Sealed: the containers reach each other, the fixtures stub and the OTLP receiver, and nothing else.'}
      </p>
    </div>
  );
}

/** What a session's containers can reach, and what the workbench could not enforce or check. */
export function SandboxStatus({ sandbox }: { sandbox?: EnvSandboxInfo | undefined }) {
  if (!sandbox) return null;
  // not enforced by the engine (e.g. a dockerd without iptables): as open as egress allowed
  const open = sandbox.egress === 'open' || sandbox.enforced === false;
  const text = sandbox.egress === 'open' ? 'egress allowed' : sandbox.enforced === false ? 'not sealed' : sandbox.verified ? 'sealed' : 'sealed, not checked';
  const title = sandbox.egress === 'open'
    ? 'Started with egress allowed: the containers can reach the internet, the LAN and this machine'
    : sandbox.enforced === false
    ? 'The engine does not enforce the sealed network it was asked for'
    : `The containers reach each other and the session agent (agent.repro.internal, ports ${sandbox.agentPorts.join(', ')}) only`;
  return (
    <div className="env-sandbox">
      <span className={`badge ${open ? 'bad' : sandbox.verified ? 'ok' : 'warn'}`} title={title} data-testid="sandbox-status">
        {text}
      </span>
      {sandbox.egress === 'sealed' && sandbox.notes.length > 0 && (
        <ul className="env-sandbox-notes small" aria-label="What the sandbox could not enforce or check">
          {sandbox.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
