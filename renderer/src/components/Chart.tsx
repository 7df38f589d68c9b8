/**
 * The one recharts wrapper of the app: every chart goes through here, so axes, colours, tooltips,
 * animation (off: it costs frames with many charts) and sizing are decided once.
 * Kinds:
 *  - time:      series over time (canary vs baseline) with a brush to zoom into a window, and
 *               optional bands (a game day's faults while active) over an elapsed-time axis;
 *  - histogram: two distributions side by side over shared bins (as shares, samples may differ in size);
 *  - interval:  a confidence interval drawn against a tolerance band on the shift axis.
 */
import { memo, useMemo, useState, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  Brush,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface TimeLine {
  key: string;
  label: string;
  color: string;
  /** [time ms, value or null for a gap] */
  points: [number, number | null][];
  /** Draw the points only (events such as failed probes), not a line through them. */
  dotsOnly?: boolean;
}

/** A stretch of time to shade, labelled (e.g. a fault while it was active). */
export interface TimeBand {
  from: number;
  to: number;
  label: string;
  color?: string;
}

export interface HistogramSeries {
  key: string;
  label: string;
  color: string;
  values: number[];
}

export type ChartSpec =
  | { kind: 'time'; lines: TimeLine[]; brush?: boolean; unit?: string; bands?: TimeBand[]; /** x is ms since a start, shown as seconds */ elapsed?: boolean; xDomain?: [number, number] }
  | { kind: 'histogram'; series: HistogramSeries[]; bins?: number; unit?: string }
  | { kind: 'interval'; interval: [number, number]; estimate: number; band: [number, number]; label?: string };

export interface ChartProps {
  spec: ChartSpec;
  height?: number;
  /** Read by screen readers in place of the drawing. */
  ariaLabel: string;
}

const axisTick = { fontSize: 11, fill: 'var(--muted)' };
const tooltipStyle = { background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)', fontSize: 12 };

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const formatTime = (t: number) => new Date(t).toISOString().slice(11, 19);
const formatElapsed = (t: number) => `${Number((t / 1000).toFixed(1))}s`;
const formatDateTime = (t: number) => `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * Rows keyed by time, one column per line, for recharts' shared-data model (and the brush).
 * Lines sampled at different instants (other scrape offsets, or thinned to their own lows and
 * highs) leave holes in each other's rows; those are bridged by straight interpolation, which is
 * what the drawn line shows anyway. A null point (a NaN or infinite sample) stays a gap.
 */
function mergeByTime(lines: TimeLine[]): Record<string, number | null>[] {
  const byTime = new Map<number, Record<string, number | null>>();
  for (const line of lines) {
    for (const [t, v] of line.points) {
      let row = byTime.get(t);
      if (!row) byTime.set(t, (row = { t }));
      row[line.key] = v;
    }
  }
  const rows = [...byTime.values()].sort((a, b) => a.t! - b.t!);
  // the brush's sliders read a row's `name`: a time, not epoch milliseconds
  for (const row of rows) (row as Record<string, unknown>).name = formatDateTime(row.t!);
  for (const line of lines) {
    if (line.dotsOnly) continue; // events, not a measurement between them
    let previous = -1;
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i]![line.key];
      if (v === undefined) continue;
      if (v !== null && previous >= 0 && i - previous > 1) {
        const before = rows[previous]![line.key];
        if (typeof before === 'number') {
          const t0 = rows[previous]!.t!;
          const t1 = rows[i]!.t!;
          for (let k = previous + 1; k < i; k++) rows[k]![line.key] = before + ((v - before) * (rows[k]!.t! - t0)) / (t1 - t0);
        }
      }
      previous = i;
    }
  }
  return rows;
}

function histogramRows(series: HistogramSeries[], binCount: number): Record<string, number | string>[] {
  const all = series.flatMap((s) => s.values);
  if (all.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = hi > lo ? (hi - lo) / binCount : 1;
  const rows = Array.from({ length: hi > lo ? binCount : 1 }, (_, i) => ({ x: formatValue(lo + (i + 0.5) * width) }) as Record<string, number | string>);
  for (const s of series) {
    const counts = new Array<number>(rows.length).fill(0);
    for (const v of s.values) counts[Math.min(rows.length - 1, Math.floor((v - lo) / width))]!++;
    counts.forEach((c, i) => (rows[i]![s.key] = s.values.length ? c / s.values.length : 0));
  }
  return rows;
}

function TimeChart({ lines, brush, unit, bands, elapsed, xDomain }: Extract<ChartSpec, { kind: 'time' }>) {
  const rows = useMemo(() => mergeByTime(lines), [lines]);
  const fmt = elapsed ? formatElapsed : formatTime;
  return (
    <LineChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
      <XAxis dataKey="t" type="number" domain={xDomain ?? ['dataMin', 'dataMax']} tickFormatter={fmt} tick={axisTick} stroke="var(--border)" allowDataOverflow={Boolean(xDomain)} />
      <YAxis tick={axisTick} tickFormatter={(v: number) => formatValue(v)} stroke="var(--border)" width={56} unit={unit} />
      <Tooltip contentStyle={tooltipStyle} labelFormatter={(t) => (elapsed ? formatElapsed(Number(t)) : new Date(Number(t)).toISOString())} formatter={(v) => formatValue(v as number)} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {(bands ?? []).map((b, i) => (
        <ReferenceArea key={`band-${i}`} x1={b.from} x2={Math.max(b.to, b.from + 1)} fill={b.color ?? 'var(--warn)'} fillOpacity={0.16} stroke={b.color ?? 'var(--warn)'} strokeOpacity={0.5}
          label={{ value: b.label, position: 'insideTopLeft', fontSize: 11, fill: 'var(--text)' }} ifOverflow="extendDomain" />
      ))}
      {lines.map((l) =>
        l.dotsOnly ? (
          <Line key={l.key} dataKey={l.key} name={l.label} stroke={l.color} strokeWidth={0} dot={{ r: 3, fill: l.color, stroke: l.color }} activeDot={false} legendType="circle" isAnimationActive={false} connectNulls={false} />
        ) : (
          <Line key={l.key} dataKey={l.key} name={l.label} stroke={l.color} dot={false} strokeWidth={1.5} isAnimationActive={false} connectNulls={false} />
        ),
      )}
      {brush && rows.length > 20 && <Brush dataKey="t" height={22} stroke="var(--accent)" tickFormatter={formatTime} travellerWidth={8} />}
    </LineChart>
  );
}

function HistogramChart({ series, bins, unit }: Extract<ChartSpec, { kind: 'histogram' }>) {
  const rows = useMemo(() => histogramRows(series, bins ?? 30), [series, bins]);
  return (
    <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} barGap={0} barCategoryGap={1}>
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
      <XAxis dataKey="x" tick={axisTick} stroke="var(--border)" unit={unit} interval="preserveStartEnd" />
      <YAxis tick={axisTick} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} stroke="var(--border)" width={44} />
      <Tooltip contentStyle={tooltipStyle} formatter={(v) => `${((v as number) * 100).toFixed(1)}% of samples`} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {series.map((s) => (
        <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} fillOpacity={0.75} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}

function IntervalChart({ interval, estimate, band, label }: Extract<ChartSpec, { kind: 'interval' }>) {
  const [lower, upper] = interval;
  const ends = [lower, upper, band[0], band[1], 0, estimate];
  const min = Math.min(...ends);
  const max = Math.max(...ends);
  const pad = (max - min || Math.abs(max) || 1) * 0.12;
  const domain: [number, number] = [min - pad, max + pad];
  // Two invisible points give the axes their extent; everything visible is a reference mark.
  const extent = [
    { x: domain[0], y: 0 },
    { x: domain[1], y: 1 },
  ];
  return (
    <ComposedChart data={extent} accessibilityLayer={false} margin={{ top: 20, right: 16, bottom: 4, left: 8 }}>
      <XAxis dataKey="x" type="number" domain={domain} tick={axisTick} tickFormatter={(v: number) => formatValue(v)} stroke="var(--border)" allowDataOverflow />
      <YAxis type="number" domain={[0, 1]} hide />
      <ReferenceArea x1={band[0]} x2={band[1]} y1={0} y2={1} fill="var(--muted)" fillOpacity={0.18} stroke="var(--muted)" strokeDasharray="4 3"
        label={{ value: 'tolerance band', position: 'insideTop', fontSize: 11, fill: 'var(--muted)' }} />
      <ReferenceArea x1={lower} x2={upper === lower ? upper + (domain[1] - domain[0]) * 0.002 : upper} y1={0.38} y2={0.62} fill="var(--chart-canary)" fillOpacity={0.85}
        label={{ value: label ?? 'interval', position: 'insideBottom', fontSize: 11, fill: 'var(--text)', dy: 22 }} />
      <ReferenceLine x={0} stroke="var(--text)" strokeOpacity={0.5} />
      <ReferenceLine x={estimate} stroke="var(--text)" strokeWidth={2} label={{ value: 'estimate', position: 'top', fontSize: 11, fill: 'var(--text)' }} />
      <Scatter dataKey="y" fill="transparent" isAnimationActive={false} />
    </ComposedChart>
  );
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/** The chart in a sentence or two: what a screen reader reads when the chart takes focus. */
export function chartSummary(spec: ChartSpec): string {
  if (spec.kind === 'time') {
    return spec.lines
      .map((l) => {
        const vals = l.points.map((p) => p[1]).filter((v): v is number => v !== null);
        if (!vals.length) return `${l.label}: no data`;
        const t0 = l.points[0]![0];
        const t1 = l.points[l.points.length - 1]![0];
        return `${l.label}: ${vals.length} points from ${formatDateTime(t0)} to ${formatTime(t1)}, min ${formatValue(Math.min(...vals))}, max ${formatValue(Math.max(...vals))}, last ${formatValue(vals[vals.length - 1])}${spec.unit ?? ''}`;
      })
      .join('; ');
  }
  if (spec.kind === 'histogram') {
    const unit = spec.unit ? ` ${spec.unit}` : '';
    return spec.series
      .map((s) => {
        const sorted = [...s.values].sort((a, b) => a - b);
        return sorted.length ? `${s.label}: ${sorted.length} samples, median ${formatValue(quantile(sorted, 0.5))}${unit}, p90 ${formatValue(quantile(sorted, 0.9))}${unit}, max ${formatValue(sorted[sorted.length - 1])}${unit}` : `${s.label}: no samples`;
      })
      .join('; ');
  }
  const [lo, hi] = spec.interval;
  const inside = lo >= spec.band[0] && hi <= spec.band[1];
  return `${spec.label ?? 'interval'} from ${formatValue(lo)} to ${formatValue(hi)}, estimate ${formatValue(spec.estimate)}; tolerance band ${formatValue(spec.band[0])} to ${formatValue(spec.band[1])}: the interval is ${inside ? 'inside' : 'not inside'} the band`;
}

/** The numbers behind the drawing, as a table (built only when opened: a series may have thousands of points). */
function DataTable({ spec }: { spec: ChartSpec }): ReactNode {
  if (spec.kind === 'time') {
    const rows = mergeByTime(spec.lines);
    return (
      <table className="data chart-table">
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            {spec.lines.map((l) => (
              <th key={l.key} scope="col">
                {l.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.t}>
              <th scope="row">{formatDateTime(r.t!)}</th>
              {spec.lines.map((l) => (
                <td key={l.key}>{formatValue(r[l.key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (spec.kind === 'histogram') {
    const rows = histogramRows(spec.series, spec.bins ?? 30);
    return (
      <table className="data chart-table">
        <thead>
          <tr>
            <th scope="col">Bin centre{spec.unit ? ` (${spec.unit})` : ''}</th>
            {spec.series.map((s) => (
              <th key={s.key} scope="col">
                {s.label} (share of samples)
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.x)}>
              <th scope="row">{r.x}</th>
              {spec.series.map((s) => (
                <td key={s.key}>{`${((r[s.key] as number) * 100).toFixed(1)}%`}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <table className="data chart-table">
      <tbody>
        {(
          [
            ['Interval lower end', spec.interval[0]],
            ['Estimate', spec.estimate],
            ['Interval upper end', spec.interval[1]],
            ['Tolerance band lower end', spec.band[0]],
            ['Tolerance band upper end', spec.band[1]],
          ] as const
        ).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{formatValue(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A chart is one tab stop that reads as its label and a summary of its numbers; the drawing is
 * for the eye (hidden from assistive tech, except a time chart's brush, whose sliders read
 * times); "Data table" opens the numbers themselves. Tooltips are not live regions.
 */
export const Chart = memo(function Chart({ spec, height = 220, ariaLabel }: ChartProps) {
  const summary = useMemo(() => chartSummary(spec), [spec]);
  const [showTable, setShowTable] = useState(false);
  const hasBrush = spec.kind === 'time' && spec.brush && spec.lines.some((l) => l.points.length > 20);
  return (
    <figure className="chart" style={{ margin: 0 }}>
      <div className="chart-drawing" tabIndex={0} role="img" aria-label={`${ariaLabel}. ${summary}`} style={{ height }}>
        {!hasBrush && (
          <ResponsiveContainer width="100%" height="100%" debounce={100}>
            {spec.kind === 'time' ? <TimeChart {...spec} /> : spec.kind === 'histogram' ? <HistogramChart {...spec} /> : <IntervalChart {...spec} />}
          </ResponsiveContainer>
        )}
      </div>
      {hasBrush && (
        // the brush's sliders are controls: outside the image, below the summary's tab stop
        <div className="chart-brush" style={{ height, marginTop: -height }}>
          <ResponsiveContainer width="100%" height="100%" debounce={100}>
            <TimeChart {...(spec as Extract<ChartSpec, { kind: 'time' }>)} />
          </ResponsiveContainer>
        </div>
      )}
      <details className="chart-data" onToggle={(e) => setShowTable((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          Data table<span className="sr-only">: {ariaLabel}</span>
        </summary>
        {showTable && (
          <div className="chart-table-wrap" tabIndex={0} role="region" aria-label={`Data of ${ariaLabel}`}>
            <DataTable spec={spec} />
          </div>
        )}
      </details>
    </figure>
  );
});
