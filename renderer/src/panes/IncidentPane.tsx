import type { BundleManifest } from '../../../shared/bundle/manifest';
import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';
import { Verification } from './Verification';

function when(iso?: string): string {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:00Z$/, 'Z') : '—';
}

/** Points close together alternate above and below the axis so their labels never overlap. */
function Timeline({ m }: { m: BundleManifest }) {
  const points = [
    { label: 'Deploy', at: m.provenance.deploy?.at },
    { label: 'Started', at: m.incident.startedAt },
    { label: 'Detected', at: m.incident.detectedAt },
    { label: 'Resolved', at: m.incident.resolvedAt },
  ].filter((p): p is { label: string; at: string } => Boolean(p.at));
  const times = points.map((p) => Date.parse(p.at));
  const min = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - min);
  const day = when(points[0]?.at).slice(0, 10);
  const clock = (iso: string) => {
    const t = when(iso);
    return t.slice(0, 10) === day ? t.slice(11) : t;
  };
  let above = false;
  let lastPct = -100;
  return (
    <figure className="timeline-figure">
      <figcaption className="muted small">Timeline, {day} (UTC)</figcaption>
      <div className="timeline" aria-label="Incident timeline">
        <div className="timeline-axis" />
        {points.map((p, i) => {
          const pct = (100 * (times[i]! - min)) / span;
          above = pct - lastPct < 18 ? !above : false;
          lastPct = pct;
          return (
            <div key={p.label} className={`timeline-point${above ? ' above' : ''}`} style={{ left: `${pct}%` }}>
              <span className="dot" />
              <span className="timeline-label">
                <strong>{p.label}</strong> <span className="muted small">{clock(p.at)}</span>
              </span>
            </div>
          );
        })}
      </div>
    </figure>
  );
}

export default function IncidentPane() {
  const bundle = useApp((s) => s.bundle);
  if (!bundle) {
    return (
      <section className="pane" aria-labelledby="pane-title">
        <h1 id="pane-title">Incident</h1>
        <EmptyState />
      </section>
    );
  }
  const m = bundle.manifest;
  const flags = Object.entries(m.provenance.featureFlags ?? {});
  return (
    <section className="pane" aria-labelledby="pane-title">
      <header className="incident-header">
        <span className={`severity sev-${m.incident.severity.toLowerCase()}`}>{m.incident.severity}</span>
        <h1 id="pane-title">
          {m.incident.id}: {m.incident.title}
        </h1>
      </header>
      {m.incident.summary && <p className="summary">{m.incident.summary}</p>}
      <Timeline m={m} />
      <h2>Services</h2>
      {m.services.length === 0 ? (
        <p className="muted">This bundle has no services (a traces- or metrics-only bundle).</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Services">
          <table className="data">
            <thead>
              <tr>
                <th>Service</th>
                <th>Image</th>
                <th>Image id</th>
                <th>Ports</th>
                <th>Env flags</th>
                <th>Secrets</th>
              </tr>
            </thead>
            <tbody>
              {m.services.map((s) => (
                <tr key={s.name}>
                  <td>
                    <strong>{s.name}</strong>
                    {s.dependsOn?.length ? <div className="muted small">after {s.dependsOn.join(', ')}</div> : null}
                  </td>
                  <td>
                    <code>{s.image.ref}</code>
                  </td>
                  <td>
                    <code title={s.image.id}>{s.image.id.slice(0, 19)}…</code>
                  </td>
                  <td>{(s.ports ?? []).map((p) => `${p.container}/${p.protocol ?? 'tcp'}${p.ingress ? ' (ingress)' : ''}`).join(', ') || '—'}</td>
                  <td>
                    {Object.entries(s.env ?? {})
                      .filter(([k]) => /FLAG|FEATURE|NEW_|ENABLE/i.test(k))
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ') || '—'}
                  </td>
                  <td>{(s.secrets ?? []).map((x) => `${x.name}${x.required ? '' : ' (optional)'}`).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Provenance</h2>
      <dl className="facts">
        <dt>Source</dt>
        <dd>
          <code>{m.provenance.source.repo}</code> @ <code>{m.provenance.source.commit.slice(0, 12)}</code>
          {m.provenance.source.ref ? ` (${m.provenance.source.ref})` : ''}
        </dd>
        {m.provenance.build && (
          <>
            <dt>Build</dt>
            <dd>
              {m.provenance.build.id ?? '—'} {m.provenance.build.builder ? `by ${m.provenance.build.builder}` : ''} {when(m.provenance.build.finishedAt)}
            </dd>
          </>
        )}
        {m.provenance.deploy && (
          <>
            <dt>Deploy</dt>
            <dd>
              {m.provenance.deploy.id ?? '—'} to {m.provenance.deploy.environment ?? '—'} at {when(m.provenance.deploy.at)}
            </dd>
          </>
        )}
        <dt>Feature flags</dt>
        <dd>{flags.length ? flags.map(([k, v]) => <span key={k} className="chip">{`${k}: ${String(v)}`}</span>) : '—'}</dd>
        <dt>Bundle</dt>
        <dd>
          <code>{bundle.source}</code> {bundle.packed ? '(archive, unpacked for reading)' : '(folder)'} — created {when(m.createdAt)}
          {m.createdBy ? ` by ${m.createdBy}` : ''}
        </dd>
      </dl>
      <Verification bundle={bundle} />
    </section>
  );
}
