import { memo, useMemo } from 'react';
import type { CanaryMetricSeries, CanaryView } from '../../../../shared/api/methods/canary';
import { Chart, formatValue, type TimeLine } from '../../components/Chart';

type MetricResult = CanaryView['judgement']['metrics'][number];

const CANARY = 'var(--chart-canary)';
const BASELINE = 'var(--chart-baseline)';

function percent(fraction: number | null): string {
  return fraction === null ? '—' : `${Number((fraction * 100).toPrecision(4))}%`;
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
export const MetricRow = memo(function MetricRow({ m, open, onToggle, series }: { m: MetricResult; open: boolean; onToggle(name: string): void; series: CanaryMetricSeries | undefined }) {
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
