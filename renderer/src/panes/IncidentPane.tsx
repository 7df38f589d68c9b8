import { useEffect } from 'react';
import type { LogMoments } from '../../../shared/api/methods/logs';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';
import { useLogs } from '../store/logs';
import { Verification } from './Verification';

function when(iso?: string): string {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:00Z$/, 'Z') : '—';
}

/**
 * The incident's moments on one axis; labels go to the first of four lanes (below, above, then
 * further below and above) where they do not run into the previous label, so close points stay
 * readable. The logs add the first error and the minute with the most errors (in red).
 */
function Timeline({ m, logs }: { m: BundleManifest; logs?: LogMoments }) {
  const iso = (t: number | null | undefined) => (t === null || t === undefined ? undefined : new Date(t).toISOString());
  type Point = { label: string; at?: string; note?: string; error?: boolean };
  const all: Point[] = [
    { label: 'Deploy', at: m.provenance.deploy?.at },
    { label: 'Started', at: m.incident.startedAt },
    { label: 'First error', at: iso(logs?.firstError), error: true },
    { label: 'Error peak', at: iso(logs?.peak?.from), note: logs?.peak ? `${logs.peak.count}/min` : '', error: true },
    { label: 'Detected', at: m.incident.detectedAt },
    { label: 'Resolved', at: m.incident.resolvedAt },
  ];
  const points = all
    .filter((p): p is Point & { at: string } => Boolean(p.at))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const times = points.map((p) => Date.parse(p.at));
  const min = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - min);
  const day = when(points[0]?.at).slice(0, 10);
  const clock = (iso: string) => {
    const t = when(iso);
    return t.slice(0, 10) === day ? t.slice(11) : t;
  };
  // Label widths in % of an axis about 1000 px wide (7 px a character), centred on their point.
  const laneEnd = [-Infinity, -Infinity, -Infinity, -Infinity];
  const lanes = points.map((p, i) => {
    const pct = (100 * (times[i]! - min)) / span;
    const half = ((p.label.length + clock(p.at).length + (p.note ? p.note.length + 3 : 0) + 1) * 0.7) / 2;
    let lane = laneEnd.findIndex((end) => end < pct - half);
    if (lane < 0) lane = laneEnd.indexOf(Math.min(...laneEnd));
    laneEnd[lane] = pct + half + 1;
    return { pct, lane };
  });
  return (
    <figure className="timeline-figure">
      <figcaption className="muted small">Timeline, {day} (UTC)</figcaption>
      <div className="timeline" aria-label="Incident timeline">
        <div className="timeline-axis" />
        {points.map((p, i) => (
          <div key={p.label} className={`timeline-point lane-${lanes[i]!.lane}${p.error ? ' error' : ''}`} style={{ left: `${lanes[i]!.pct}%` }}>
            <span className="dot" />
            <span className="timeline-label">
              <strong>{p.label}</strong> <span className="muted small">{clock(p.at)}{p.note ? ` · ${p.note}` : ''}</span>
            </span>
          </div>
        ))}
      </div>
    </figure>
  );
}

export default function IncidentPane() {
  const bundle = useApp((s) => s.bundle);
  const moments = useLogs((s) => (bundle ? s.moments[bundle.handle] : undefined));
  const loadMoments = useLogs((s) => s.loadMoments);
  useEffect(() => {
    if (bundle && (bundle.contents.logs?.length ?? 0) > 0) loadMoments(bundle.handle);
  }, [bundle?.handle]);
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
      <Timeline m={m} {...(moments ? { logs: moments } : {})} />
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
                  <td>{(s.secrets ?? []).map((x) => `${x.name}${x.required === false ? ' (optional)' : ''}`).join(', ') || '—'}</td>
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
