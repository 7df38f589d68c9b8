import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { compareTraces, type CompareStatus } from '../../../../shared/traces/compare';
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
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: cmp?.rows.length ?? 0, getScrollElement: () => parentRef.current, estimateSize: () => 24, overscan: 12 });
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
          <div className="compare-head small">
            <span>call path (service · operation)</span>
            <span>A</span>
            <span>B</span>
            <span>A mean</span>
            <span>B mean</span>
            <span>Δ mean</span>
            <span>status</span>
          </div>
          <div ref={parentRef} className="compare-scroll" role="table" aria-label="Aligned call tree">
            <div style={{ height: v.getTotalSize(), position: 'relative' }}>
              {v.getVirtualItems().map((vr) => {
                const r = cmp.rows[vr.index]!;
                const mean = (s: typeof r.a) => (s ? formatUs(s.totalUs / s.count) : '—');
                return (
                  <div
                    key={vr.index}
                    role="row"
                    className={`compare-row status-${r.status}${vr.index === cmp.firstDivergence ? ' first' : ''}`}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: vr.size, transform: `translateY(${vr.start}px)` }}
                  >
                    <span role="cell" style={{ paddingLeft: 6 + Math.min(r.depth, 30) * 14 }} className="compare-path">
                      <strong>{r.service}</strong> {r.name}
                    </span>
                    <span role="cell">{r.a ? r.a.count : '—'}{r.a?.errors ? <span className="error"> ({r.a.errors}!)</span> : null}</span>
                    <span role="cell">{r.b ? r.b.count : '—'}{r.b?.errors ? <span className="error"> ({r.b.errors}!)</span> : null}</span>
                    <span role="cell">{mean(r.a)}</span>
                    <span role="cell">{mean(r.b)}</span>
                    <span role="cell">{r.a && r.b ? `${r.meanDeltaUs > 0 ? '+' : ''}${formatUs(r.meanDeltaUs)}` : ''}</span>
                    <span role="cell">{STATUS_TEXT[r.status]}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
