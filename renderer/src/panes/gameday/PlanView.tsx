import type { GamedayPlan } from '../../../../shared/gameday/journal';

const secs = (ms: number) => `${Number((ms / 1000).toFixed(1))}s`;

/** The resolved plan: what will be done to what, through which part of the workbench, and how it is undone. */
export function PlanView({ plan }: { plan: GamedayPlan }) {
  return (
    <section className="gameday-panel gameday-plan" aria-labelledby="gameday-plan-title">
      <h2 id="gameday-plan-title">Resolved plan on {plan.session}</h2>
      {plan.problems.length > 0 && (
        <div role="alert" className="gameday-refused">
          <strong>The run would be refused (nothing changes):</strong>
          <ul>
            {plan.problems.map((p, i) => (
              <li key={i}>
                <code>{p.path}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <table className="data small">
        <caption className="muted">
          Method {secs(plan.methodDurationMs)} (limit {plan.maxDurationS}s), then up to {plan.recoveryS}s for the steady state to hold again
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Step</th>
            <th scope="col">Fault</th>
            <th scope="col">Resolved to</th>
            <th scope="col">Revert</th>
          </tr>
        </thead>
        <tbody>
          {plan.steps.map((s) => (
            <tr key={s.id}>
              <td>
                +{secs(s.atMs)} for {secs(s.durationMs)}
              </td>
              <td>{s.id}</td>
              <td>
                {s.fault} {s.target} <span className="muted">via {s.via}</span>
              </td>
              <td>{s.resolved}</td>
              <td>{s.revert}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts small">
        <dt>Probes</dt>
        <dd>
          {plan.probes.map((p) => (
            <div key={p.name}>
              <strong>{p.name}</strong> <code>{p.url}</code> every {p.everyMs} ms
            </div>
          ))}
        </dd>
        <dt>Load</dt>
        <dd>{plan.load ? `${plan.load.traffic} (${plan.load.requests} requests) at ${plan.load.ratePerS}/s` : 'none'}</dd>
        <dt>Fault proxy</dt>
        <dd>
          {plan.proxy.enabled ? plan.proxy.routes.map((r) => `${r.service}:${r.port}`).join(', ') || 'no routes' : `off: ${plan.proxy.reason ?? 'disabled'}`}
          {plan.proxy.skipped.map((s) => (
            <div key={s.service} className="muted">
              {s.service} not proxied: {s.reason}
            </div>
          ))}
        </dd>
        <dt>Packet faults</dt>
        <dd className={plan.netem.available ? '' : 'muted'}>{plan.netem.available ? 'available (sch_netem)' : `not available: ${plan.netem.reason}`}</dd>
      </dl>
    </section>
  );
}
