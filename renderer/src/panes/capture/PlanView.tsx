import { formatBytes } from '../../../../shared/format/bytes';
import type { PlannedService } from '../../../../shared/capture/report';
import { useCapture } from '../../store/capture';

/** Step 2: what will be captured, env vars taken for secrets (flippable), then the capture itself. */
export function PlanView() {
  const { plan, planning, planError, form, setForm, capture, flipSecret } = useCapture();
  if (!plan) return null;
  const ready = form.out.trim() !== '' && !planning;
  return (
    <div className="capture-step">
      <h2>2. Review</h2>
      {planError && (
        <p className="error capture-error" role="alert">
          {planError}
        </p>
      )}
      {plan.services.map((s) => (
        <ServiceCard key={s.name} service={s} busy={planning} onFlip={(name, nowSecret) => void flipSecret(name, nowSecret)} />
      ))}
      {plan.notCaptured.length > 0 && (
        <div className="capture-card">
          <h3>Not captured</h3>
          <ul className="capture-list">
            {plan.notCaptured.map((n) => (
              <li key={`${n.what}${n.why}`}>
                <strong>{n.what}</strong> — {n.why}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form
        className="capture-form"
        aria-label="Capture settings"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void capture();
        }}
      >
        <label>
          Incident id
          <input value={form.incidentId} placeholder="generated when empty" onChange={(e) => setForm({ incidentId: e.target.value })} />
        </label>
        <label>
          Title
          <input value={form.title} onChange={(e) => setForm({ title: e.target.value })} />
        </label>
        <label>
          Severity
          <input value={form.severity} size={6} onChange={(e) => setForm({ severity: e.target.value })} />
        </label>
        <label className="capture-out">
          Bundle folder
          <input value={form.out} spellCheck={false} onChange={(e) => setForm({ out: e.target.value })} />
        </label>
        <label className="capture-out">
          Signing key (optional)
          <input value={form.signKey} spellCheck={false} placeholder="/path/to/name.key.pem (repro keygen)" onChange={(e) => setForm({ signKey: e.target.value })} />
        </label>
        <div className="capture-checks">
          <label className="capture-check">
            <input type="checkbox" checked={form.logs} onChange={(e) => setForm({ logs: e.target.checked })} />
            Include container logs
          </label>
          <label className="capture-check">
            <input type="checkbox" checked={form.pauseForSnapshots} onChange={(e) => setForm({ pauseForSnapshots: e.target.checked })} />
            Pause containers while their volumes are copied
          </label>
        </div>
        <button type="submit" className="primary" disabled={!ready}>
          Capture
        </button>
      </form>
    </div>
  );
}

function ServiceCard({ service: s, busy, onFlip }: { service: PlannedService; busy: boolean; onFlip(name: string, nowSecret: boolean): void }) {
  const secrets = s.env.filter((e) => e.secret).length;
  return (
    <article className="capture-card" aria-label={`Service ${s.name}`}>
      <header className="capture-card-head">
        <h3>{s.name}</h3>
        <span className="muted small mono">{s.container.name}</span>
        {secrets > 0 && <span className="badge capture-secret-count">{secrets} secret{secrets === 1 ? '' : 's'} taken out</span>}
      </header>
      <dl className="facts">
        <dt>Image</dt>
        <dd>
          <span className="mono">{s.image.ref}</span> <span className="muted small">{s.image.id.slice(7, 19)} · {formatBytes(s.image.bytes)} · {s.image.platform}</span>
        </dd>
        <dt>Ports</dt>
        <dd>{s.ports.length ? s.ports.map((p) => `${p.container}/${p.protocol}${p.hostPort ? ` (host ${p.hostPort})` : ''}${p.ingress ? ' ingress' : ''}`).join(', ') : 'none'}</dd>
        <dt>Healthcheck</dt>
        <dd>{s.healthcheck}</dd>
        {s.dependsOn.length > 0 && (
          <>
            <dt>Depends on</dt>
            <dd>{s.dependsOn.join(', ')}</dd>
          </>
        )}
        <dt>Volumes</dt>
        <dd>
          {s.volumes.length === 0 && 'none'}
          {s.volumes.map((v) => (
            <div key={v.target}>
              <span className="mono">{v.target}</span> <span className="muted small">({v.kind}{v.snapshot ? ', snapshot' : `, not captured: ${v.reason}`})</span>
            </div>
          ))}
        </dd>
      </dl>
      {s.notes.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}
      {s.env.length > 0 && (
        <table className="data capture-env">
          <caption className="muted small">Environment the deployment set (beyond the image's own). Ticked variables are secrets: only their names go into the bundle.</caption>
          <thead>
            <tr>
              <th scope="col">Secret</th>
              <th scope="col">Variable</th>
              <th scope="col">Value in the bundle</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {s.env.map((e) => (
              <tr key={e.name} className={e.secret ? 'secret' : ''}>
                <td>
                  <input type="checkbox" aria-label={`Treat ${e.name} as a secret`} checked={e.secret} disabled={busy} onChange={() => onFlip(e.name, e.secret)} />
                </td>
                <td className="mono">{e.name}</td>
                <td className="mono">{e.secret ? <span className="muted">(name only)</span> : e.value}</td>
                <td className="small">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
