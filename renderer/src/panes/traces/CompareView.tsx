import { useMemo, useState } from 'react';
import { compareTraces, type CompareRow, type CompareStatus } from '../../../../shared/traces/compare';
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid';
import { formatUs } from '../../components/Waterfall';
import type { LoadedSource } from '../../store/traces';

const STATUS_TEXT: Record<CompareStatus, string> = {
  same: 'same',
  'only-a': 'only in A',
  'only-b': 'only in B',
  count: 'count differs',
  errors: 'errors differ',
  slower: 'slower in B',
  faster: 'faster in B',
};

type Row = CompareRow & { i: number };
const mean = (s: Row['a']) => (s ? formatUs(s.totalUs / s.count) : '—');
const COLUMNS: GridColumn<Row>[] = [
  {
    key: 'path',
    header: 'call path (service · operation)',
    width: 'minmax(10rem, 1fr)',
    cell: (r) => (
      <span style={{ paddingLeft: Math.min(r.depth, 30) * 14 }}>
        <strong>{r.service}</strong> {r.name}
      </span>
    ),
    cellClass: () => 'compare-path',
  },
  { key: 'a', header: 'A', width: '50px', cell: (r) => <>{r.a ? r.a.count : '—'}{r.a?.errors ? <span className="error"> ({r.a.errors}!)</span> : null}</> },
  { key: 'b', header: 'B', width: '50px', cell: (r) => <>{r.b ? r.b.count : '—'}{r.b?.errors ? <span className="error"> ({r.b.errors}!)</span> : null}</> },
  { key: 'am', header: 'A mean', width: '80px', cell: (r) => mean(r.a) },
  { key: 'bm', header: 'B mean', width: '80px', cell: (r) => mean(r.b) },
  { key: 'd', header: 'Δ mean', width: '90px', cell: (r) => (r.a && r.b ? `${r.meanDeltaUs > 0 ? '+' : ''}${formatUs(r.meanDeltaUs)}` : '') },
  { key: 'status', header: 'status', width: '110px', cell: (r) => STATUS_TEXT[r.status] },
];

/** Two traces aligned on their service/operation call tree, with the first divergence summarised. */
export function CompareView({ sources, a }: { sources: LoadedSource[]; a: { source: LoadedSource; trace: number } }) {
  const options = useMemo(
    () =>
      sources.flatMap((s) =>
        s.set.traces.map((t, i) => {
          const root = t.roots[0] ?? 0;
          return {
            key: `${s.key}#${i}`,
            source: s,
            trace: i,
            label: `${s.label} · ${s.set.services[t.service[root]!] || '?'} ${s.set.names[t.name[root]!]} · ${formatUs(t.durationUs)} · ${t.spanCount} spans · ${t.traceId.slice(0, 8)}`,
          };
        }),
      ),
    [sources],
  );
  const defaultB = options.find((o) => !(o.source.key === a.source.key && o.trace === a.trace))?.key ?? options[0]?.key;
  const [bKey, setBKey] = useState<string | undefined>(defaultB);
  const b = options.find((o) => o.key === bKey) ?? options.find((o) => o.key === defaultB);
  const cmp = useMemo(
    () => (b ? compareTraces(a.source.set, a.source.set.traces[a.trace]!, b.source.set, b.source.set.traces[b.trace]!, { labels: { a: 'A', b: 'B' } }) : undefined),
    [a.source, a.trace, b],
  );
  const rows = useMemo<Row[]>(() => cmp?.rows.map((r, i) => ({ ...r, i })) ?? [], [cmp]);
  // the first divergence is where a reader starts
  const [picked, setPicked] = useState<number>();
  const selected = picked ?? (cmp && cmp.firstDivergence >= 0 ? cmp.firstDivergence : undefined);
  const aTrace = a.source.set.traces[a.trace]!;

  return (
    <div className="compare">
      <div className="compare-pick">
        <div className="small">
          <strong>A</strong> {a.source.label} · <code>{aTrace.traceId.slice(0, 16)}</code> · {formatUs(aTrace.durationUs)}
        </div>
        <label className="small">
          <strong>B</strong>{' '}
          <select aria-label="Compare with" value={b?.key ?? ''} onChange={(e) => setBKey(e.target.value)}>
            {options.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {cmp && (
        <>
          <p className={`compare-summary${cmp.firstDivergence >= 0 ? ' diverged' : ''}`} data-testid="compare-summary">
            {cmp.summary}
          </p>
          <div className="compare-counts small">
            {(Object.keys(cmp.counts) as CompareStatus[])
              .filter((k) => k !== 'same' && cmp.counts[k] > 0)
              .map((k) => (
                <span key={k} className={`badge status-${k}`}>
                  {STATUS_TEXT[k]}: {cmp.counts[k]}
                </span>
              ))}
          </div>
          <div className="compare-grid">
            <VirtualGrid
              label="Aligned call tree"
              rows={rows}
              columns={COLUMNS}
              rowKey={(r) => r.i}
              selected={selected}
              onSelect={setPicked}
              rowHeight={24}
              rowClass={(r) => `compare-row status-${r.status}${r.i === cmp.firstDivergence ? ' first' : ''}`}
            />
          </div>
        </>
      )}
    </div>
  );
}
