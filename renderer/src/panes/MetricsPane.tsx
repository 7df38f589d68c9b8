import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { CanaryMetricSeries, CanaryView } from '../../../shared/api/methods/canary';
import { api } from '../api';
import { Chart, formatValue, type TimeLine } from '../components/Chart';
import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';
import './MetricsPane.css';

type Judgement = CanaryView['judgement'];
type MetricResult = Judgement['metrics'][number];

const CANARY = 'var(--chart-canary)';
const BASELINE = 'var(--chart-baseline)';
const CLASS_ORDER = ['High', 'Low', 'NodataFailMetric', 'Error', 'Nodata', 'Pass'];

function percent(fraction: number | null): string {
  return fraction === null ? '—' : `${Number((fraction * 100).toPrecision(4))}%`;
}

function VerdictBadge({ verdict }: { verdict: Judgement['verdict'] }) {
  return (
    <span className={`verdict verdict-${verdict}`} data-testid="canary-verdict">
      {verdict.toUpperCase()}
    </span>
  );
}

function Scorecard({ judgement }: { judgement: Judgement }) {
  return (
    <section className="scorecard" aria-label="Scorecard">
      <div className="scorecard-head">
        <VerdictBadge verdict={judgement.verdict} />
        <span className="score" data-testid="canary-score">
          {formatValue(judgement.score)}
          <span className="muted small"> / 100</span>
        </span>
        <span className="muted small">
          pass ≥ {formatValue(judgement.thresholds.pass)}, marginal ≥ {formatValue(judgement.thresholds.marginal)}
        </span>
      </div>
      <p className="scorecard-reason">{judgement.reason}</p>
      {judgement.warnings.map((w) => (
        <p key={w} className="warning small" role="note">
          {w}
        </p>
      ))}
      <table className="groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Score</th>
            <th scope="col">Weight</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {judgement.groups.map((g) => (
            <tr key={g.name}>
              <th scope="row">{g.name}</th>
              <td>{g.noData ? 'n/a' : formatValue(g.score)}</td>
              <td>{formatValue(g.weight)}%</td>
              <td className="muted small">{g.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ClassBadge({ m }: { m: MetricResult }) {
  return (
    <span className={`class-badge class-${m.classification}`} title={m.critical ? 'critical failure' : undefined}>
      {m.classification}
      {m.critical ? ' !' : ''}
    </span>
  );
}

function Explanation({ m }: { m: MetricResult }) {
  const e = m.effectSize;
  const rows: [string, string][] = [];
  if (m.interval) rows.push([`${percent(m.settings.confLevel)} interval for the shift (canary − baseline)`, `[${formatValue(m.interval[0])}, ${formatValue(m.interval[1])}]`]);
  if (m.estimate !== undefined) rows.push(['Estimate of the shift', formatValue(m.estimate)]);
  if (m.toleranceBand) rows.push([`Tolerance band (${percent(m.settings.tolerance)} of |estimate|)`, `±${formatValue(m.toleranceBand[1])}`]);
  rows.push([
    `Effect size (${e.measure === 'cles' ? 'CLES' : 'mean ratio'})`,
    `${formatValue(e.value)} — High needs ≥ ${formatValue(e.allowedIncrease)}, Low ≤ ${formatValue(e.allowedDecrease)}${m.settings.critical ? `; critical at ≥ ${formatValue(e.criticalIncrease)} / ≤ ${formatValue(e.criticalDecrease)}` : ''}`,
  ]);
  rows.push(['Direction that counts as bad', m.settings.direction]);
  if (m.pValue !== undefined) rows.push(['p-value (two-sided, normal approximation)', formatValue(m.pValue)]);
  rows.push([
    'Samples judged (canary / baseline)',
    `${m.canary.summary.count ?? 0} / ${m.baseline.summary.count ?? 0} of ${m.canary.rawCount ?? 0} / ${m.baseline.rawCount ?? 0}`,
  ]);
  rows.push(['Median (canary / baseline)', `${formatValue(m.canary.summary.median)} / ${formatValue(m.baseline.summary.median)}`]);
  rows.push(['Mean (canary / baseline)', `${formatValue(m.canary.summary.mean)} / ${formatValue(m.baseline.summary.mean)}`]);
  if (m.preprocessing) rows.push(['Before the test', m.preprocessing]);
  if (m.noiseAdded) rows.push(['Tie handling', 'each side was one repeated value: seeded noise of 1e-5 × value added (as Kayenta does)']);
  return (
    <div className="explanation">
      <p className="reason">{m.reason}</p>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function MetricCharts({ m, series }: { m: MetricResult; series: CanaryMetricSeries | undefined }) {
  const lines = useMemo<TimeLine[]>(() => {
    if (!series) return [];
    const many = (list: CanaryMetricSeries['canary']) => list.length > 1;
    return [
      ...series.canary.map((s, i) => ({ key: `c${i}`, label: many(series.canary) ? `canary ${i + 1}` : 'canary', color: CANARY, points: s.points })),
      ...series.baseline.map((s, i) => ({ key: `b${i}`, label: many(series.baseline) ? `baseline ${i + 1}` : 'baseline', color: BASELINE, points: s.points })),
    ];
  }, [series]);
  const histogram = useMemo(
    () =>
      series
        ? [
            { key: 'canary', label: 'canary', color: CANARY, values: series.canaryValues },
            { key: 'baseline', label: 'baseline', color: BASELINE, values: series.baselineValues },
          ]
        : [],
    [series],
  );
  const thinned = series && [...series.canary, ...series.baseline].some((s) => s.points.length < s.totalPoints);
  return (
    <div className="metric-charts">
      <div className="chart-cell wide">
        <h4>Over time{thinned ? <span className="muted small"> (thinned for drawing: lows and highs per bucket kept; the judge used every point)</span> : null}</h4>
        {lines.length > 0 ? (
          <Chart spec={{ kind: 'time', lines, brush: true }} height={240} ariaLabel={`${m.name}: canary and baseline over time`} />
        ) : (
          <p className="muted">No series matched the selectors.</p>
        )}
      </div>
      <div className="chart-cell">
        <h4>Distributions</h4>
        <Chart spec={{ kind: 'histogram', series: histogram }} height={220} ariaLabel={`${m.name}: canary and baseline distributions`} />
      </div>
      <div className="chart-cell">
        <h4>Interval against the tolerance band</h4>
        {m.interval && m.estimate !== undefined && m.toleranceBand && m.interval[0] !== null && m.interval[1] !== null && m.estimate !== null ? (
          <Chart
            spec={{
              kind: 'interval',
              interval: [m.interval[0], m.interval[1]],
              estimate: m.estimate,
              band: [m.toleranceBand[0] ?? 0, m.toleranceBand[1] ?? 0],
              label: `${percent(m.settings.confLevel)} interval`,
            }}
            height={140}
            ariaLabel={`${m.name}: interval [${formatValue(m.interval[0])}, ${formatValue(m.interval[1])}] against the band ±${formatValue(m.toleranceBand[1])}`}
          />
        ) : (
          <p className="muted">No interval: the test did not run ({m.classification}).</p>
        )}
      </div>
    </div>
  );
}

// Memoised: opening one metric must not re-render the other ninety-nine.
const MetricRow = memo(function MetricRow({ m, open, onToggle, series }: { m: MetricResult; open: boolean; onToggle(name: string): void; series: CanaryMetricSeries | undefined }) {
  const id = `metric-${m.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li className={`metric-row${open ? ' open' : ''}`}>
      <button type="button" className="metric-summary" aria-expanded={open} aria-controls={id} onClick={() => onToggle(m.name)}>
        <ClassBadge m={m} />
        <span className="metric-name">{m.name}</span>
        <span className="chip">{m.group}</span>
        {m.settings.critical && <span className="chip">critical</span>}
        <span className="metric-reason muted small">{m.reason}</span>
      </button>
      {open && (
        <div id={id} className="metric-detail">
          <Explanation m={m} />
          <MetricCharts m={m} series={series} />
        </div>
      )}
    </li>
  );
});

export default function MetricsPane() {
  const bundle = useApp((s) => s.bundle);
  const [view, setView] = useState<CanaryView>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<string>();
  const [filter, setFilter] = useState<'all' | 'failing'>('all');
  const handle = bundle?.handle;
  const hasCanary = Boolean(bundle?.manifest.canary);

  useEffect(() => {
    setView(undefined);
    setError(undefined);
    setOpen(undefined);
    if (!handle || !hasCanary) return;
    let cancelled = false;
    setLoading(true);
    api.call('canary.judge', { bundle: handle }).then(
      (v) => {
        if (cancelled) return;
        setView(v);
        setLoading(false);
        // Open the first failing metric: that is what the engineer came for.
        const first = v.judgement.metrics.find((m) => m.classification !== 'Pass' && m.classification !== 'Nodata');
        setOpen(first?.name);
      },
      (err: Error) => {
        if (cancelled) return;
        setError(err.message);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [handle, hasCanary]);

  const toggle = useCallback((name: string) => setOpen((current) => (current === name ? undefined : name)), []);
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
  return (
    <section className="pane metrics-pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Metrics</h1>
      {!hasCanary && <p className="muted">This bundle has no canary section: there is nothing to judge.</p>}
      {loading && <p role="status">Judging the canary…</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
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
              <select value={filter} onChange={(e) => setFilter(e.target.value as 'all' | 'failing')}>
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
