import { useEffect, useMemo } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNote } from '../components/ErrorNote';
import { useApp } from '../store/app';
import { useMetrics, type MetricFilter } from '../store/metrics';
import { dataFor } from '../store/remote';
import { MetricRow } from './metrics/MetricRow';
import { Scorecard } from './metrics/Scorecard';
import './MetricsPane.css';

const CLASS_ORDER = ['High', 'Low', 'NodataFailMetric', 'Error', 'Nodata', 'Pass'];

export default function MetricsPane() {
  const bundle = useApp((s) => s.bundle);
  const { view: remoteView, open, filter, judge, toggle, setFilter } = useMetrics();
  const handle = bundle?.handle;
  const hasCanary = Boolean(bundle?.manifest.canary);
  const view = dataFor(remoteView, handle);

  // Judged once per bundle; the judgement is kept when the pane is left.
  useEffect(() => {
    if (handle && hasCanary && useMetrics.getState().view.key !== handle) void judge(handle);
  }, [handle, hasCanary, judge]);

  const seriesByName = useMemo(() => new Map(view?.series.map((s) => [s.name, s]) ?? []), [view]);
  const metrics = useMemo(() => {
    const list = view?.judgement.metrics ?? [];
    const shown = filter === 'failing' ? list.filter((m) => m.classification !== 'Pass') : list;
    return [...shown].sort((a, b) => Number(b.critical) - Number(a.critical) || CLASS_ORDER.indexOf(a.classification) - CLASS_ORDER.indexOf(b.classification));
  }, [view, filter]);

  if (!bundle) {
    return (
      <section className="pane" aria-labelledby="pane-title">
        <h1 id="pane-title">Metrics</h1>
        <EmptyState />
      </section>
    );
  }
  const mine = remoteView.key === handle;
  return (
    <section className="pane metrics-pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Metrics</h1>
      {!hasCanary && <p className="muted">This bundle has no canary section: there is nothing to judge.</p>}
      {mine && remoteView.loading && <p role="status">Judging the canary…</p>}
      {mine && <ErrorNote error={remoteView.error} onRetry={() => void judge(bundle.handle)} />}
      {view && (
        <>
          <p className="muted small">
            Canary {Object.entries(view.selectors.canary).map(([k, v]) => `${k}="${v}"`).join(', ')} vs baseline{' '}
            {Object.entries(view.selectors.baseline).map(([k, v]) => `${k}="${v}"`).join(', ')} · Mann-Whitney interval as R's wilcox.test and Kayenta compute it
          </p>
          <Scorecard judgement={view.judgement} />
          <div className="metrics-toolbar">
            <h2>
              {view.judgement.metrics.length} metric{view.judgement.metrics.length === 1 ? '' : 's'}
            </h2>
            <label>
              Show{' '}
              <select value={filter} onChange={(e) => setFilter(e.target.value as MetricFilter)}>
                <option value="all">all</option>
                <option value="failing">not passing</option>
              </select>
            </label>
          </div>
          <ul className="metric-list">
            {metrics.map((m) => (
              <MetricRow key={m.name} m={m} open={open === m.name} onToggle={toggle} series={seriesByName.get(m.name)} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
