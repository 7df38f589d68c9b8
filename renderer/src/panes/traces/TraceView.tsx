import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { criticalPathSections } from '../../../../shared/traces/critical-path';
import { SpanFlag, type SpanDetail, type Trace, type TraceSet } from '../../../../shared/traces/model';
import { activeAt, ancestry, firstChild, nextError, nextSpan, parentSpan, prevError, prevSpan } from '../../../../shared/traces/navigation';
import { revealSpan, rowIndex, visibleRows } from '../../../../shared/traces/rows';
import { serviceMap } from '../../../../shared/traces/service-map';
import { ErrorNote } from '../../components/ErrorNote';
import { toUiError, type UiError } from '../../store/remote';
import { Waterfall, formatUs, spokenUs, type CriticalIndex, type TimeRange } from '../../components/Waterfall';
import type { LoadedSource } from '../../store/traces';
import { CompareView } from './CompareView';
import { ServiceMapView } from './ServiceMapView';
import { SpanDetailView } from './SpanDetailView';

function criticalIndex(t: Trace): CriticalIndex {
  const secs = criticalPathSections(t);
  const offset = new Int32Array(t.spanCount + 1);
  for (const s of secs) offset[s.span + 1]!++;
  for (let i = 0; i < t.spanCount; i++) offset[i + 1]! += offset[i]!;
  const fill = offset.slice(0, t.spanCount);
  const start = new Float64Array(secs.length);
  const end = new Float64Array(secs.length);
  for (const s of secs) {
    const k = fill[s.span]!++;
    start[k] = s.start;
    end[k] = s.end;
  }
  return { offset, start, end };
}

const KEYS_HELP = '↓/j next · ↑/k previous · → child · ← parent · e / E next / previous error · Enter or Space fold / unfold · p playhead here · , . move playhead · c critical path · z zoom to span · Esc reset zoom';

const TRACE_TABS = ['waterfall', 'map', 'compare'] as const;

/** What a screen reader hears when the selection moves (the polite summary of the selected span). */
function spanSummary(set: TraceSet, t: Trace, i: number, row: number | undefined, rows: number, folded: boolean): string {
  const service = set.services[t.service[i]!] || 'unknown service';
  const error = t.flags[i]! & SpanFlag.Error ? ', error' : '';
  const kids = t.childOffset[i + 1]! - t.childOffset[i]!;
  const children = kids === 0 ? '' : `, ${kids} child${kids === 1 ? '' : 'ren'}${folded ? ' folded' : ''}`;
  return `${service}, ${set.names[t.name[i]!]}, ${spokenUs(t.end[i]! - t.start[i]!)}, depth ${t.depth[i]}${error}${children}${row !== undefined && row >= 0 ? `, row ${row + 1} of ${rows}` : ''}`;
}

/** One trace: the canvas waterfall walked by keyboard, its service map, and a comparison. */
export function TraceView({ source, traceIndex, sources, spanId }: { source: LoadedSource; traceIndex: number; sources: LoadedSource[]; spanId?: string }) {
  const set: TraceSet = source.set;
  const trace = set.traces[traceIndex]!;
  const [tab, setTab] = useState<'waterfall' | 'map' | 'compare'>('waterfall');
  const [collapsed, setCollapsed] = useState(() => new Uint8Array(trace.spanCount));
  const [selected, setSelected] = useState(() => {
    const asked = spanId ? trace.spanId.indexOf(spanId) : -1;
    return asked >= 0 ? asked : trace.roots.length ? trace.roots[0]! : 0;
  });
  const [view, setView] = useState<TimeRange>({ t0: 0, t1: Math.max(trace.durationUs, 1) });
  const [playhead, setPlayhead] = useState<number | null>(null);
  const [showCritical, setShowCritical] = useState(true);
  const [detail, setDetail] = useState<SpanDetail>();
  const [detailError, setDetailError] = useState<UiError>();
  const [scrollTo, setScrollTo] = useState(-1);
  const rows = useMemo(() => visibleRows(trace, collapsed), [trace, collapsed]);
  const rowOf = useMemo(() => rowIndex(trace, rows), [trace, rows]);
  // The critical path is computed right after the first paint, so it never delays it.
  const [critical, setCritical] = useState<CriticalIndex>(() => ({ offset: new Int32Array(trace.spanCount + 1), start: new Float64Array(0), end: new Float64Array(0) }));
  useEffect(() => {
    const timer = setTimeout(() => setCritical(criticalIndex(trace)), 0);
    return () => clearTimeout(timer);
  }, [trace]);
  const map = useMemo(() => (tab === 'map' ? serviceMap(set, trace) : undefined), [tab, set, trace]);
  const focusRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stale = false;
    if (selected >= 0 && selected < trace.spanCount) {
      source.client.detail(traceIndex, selected).then(
        (d) => {
          if (stale) return;
          setDetail(d);
          setDetailError(undefined);
        },
        (err: unknown) => !stale && setDetailError(toUiError(err)),
      );
    }
    return () => {
      stale = true;
    };
  }, [source, traceIndex, selected, trace]);

  const select = (i: number) => {
    if (i < 0) return;
    if (revealSpan(trace, collapsed, i)) setCollapsed(collapsed.slice());
    setSelected(i);
    // rows may change with the reveal; find the row after render
    setScrollTo(-1);
    requestAnimationFrame(() => setScrollTo(i));
  };
  const toggle = (i: number) => {
    const next = collapsed.slice();
    next[i] = next[i] ? 0 : 1;
    setCollapsed(next);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    const step = (view.t1 - view.t0) / 200;
    const actions: Record<string, () => void> = {
      ArrowDown: () => select(nextSpan(trace, selected)),
      j: () => select(nextSpan(trace, selected)),
      ArrowUp: () => select(prevSpan(trace, selected)),
      k: () => select(prevSpan(trace, selected)),
      ArrowRight: () => select(firstChild(trace, selected)),
      l: () => select(firstChild(trace, selected)),
      ArrowLeft: () => select(parentSpan(trace, selected)),
      h: () => select(parentSpan(trace, selected)),
      e: () => select(nextError(trace, selected)),
      E: () => select(prevError(trace, selected)),
      Enter: () => toggle(selected),
      ' ': () => toggle(selected),
      p: () => setPlayhead(trace.start[selected]!),
      '.': () => setPlayhead(Math.min(trace.durationUs, (playhead ?? view.t0) + step)),
      ',': () => setPlayhead(Math.max(0, (playhead ?? view.t0) - step)),
      c: () => setShowCritical(!showCritical),
      z: () => {
        // the selected span fills the view, with a little room on each side
        const s0 = trace.start[selected]!;
        const s1 = trace.end[selected]!;
        const pad = Math.max((s1 - s0) * 0.05, 1);
        setView({ t0: Math.max(0, s0 - pad), t1: Math.min(Math.max(trace.durationUs, 1), s1 + pad) });
      },
      Escape: () => setView({ t0: 0, t1: Math.max(trace.durationUs, 1) }),
    };
    const act = actions[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  const active = useMemo(() => (playhead === null ? undefined : activeAt(trace, playhead)), [trace, playhead]);
  const crumbs = useMemo(
    () => ancestry(trace, selected).map((s) => ({ span: s, label: `${set.services[trace.service[s]!] || '?'}: ${set.names[trace.name[s]!]}` })),
    [trace, selected, set],
  );
  const isZoomed = view.t0 > 0 || view.t1 < trace.durationUs;

  return (
    <div className="trace-view">
      <div className="trace-head">
        <div className="trace-title">
          <strong>{crumbs[0]?.label}</strong>{' '}
          <span className="muted small">
            {formatUs(trace.durationUs)} · {trace.spanCount.toLocaleString()} spans · {trace.errorCount} errors · <code>{trace.traceId}</code>
          </span>
        </div>
        <div
          role="tablist"
          aria-label="Trace views"
          className="tabs"
          onKeyDown={(e) => {
            // one tab stop; ← → move between the views (WAI-ARIA tabs)
            const i = TRACE_TABS.indexOf(tab);
            const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -9;
            if (j === -9) return;
            e.preventDefault();
            const next = TRACE_TABS[(j + TRACE_TABS.length) % TRACE_TABS.length]!;
            setTab(next);
            requestAnimationFrame(() => document.getElementById(`trace-tab-${next}`)?.focus());
          }}
        >
          {TRACE_TABS.map((t) => (
            <button
              key={t}
              id={`trace-tab-${t}`}
              role="tab"
              aria-selected={tab === t}
              aria-controls="trace-tabpanel"
              tabIndex={tab === t ? 0 : -1}
              className={tab === t ? 'active' : ''}
              onClick={() => setTab(t)}
            >
              {t === 'waterfall' ? 'Waterfall' : t === 'map' ? 'Service map' : 'Compare'}
            </button>
          ))}
        </div>
      </div>
      <div id="trace-tabpanel" role="tabpanel" aria-labelledby={`trace-tab-${tab}`} className="trace-tabpanel">
      {tab === 'waterfall' && (
        <div className="waterfall-area">
          <div className="waterfall-tools small">
            <label>
              <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} /> critical path
            </label>
            <button type="button" onClick={() => select(nextError(trace, selected))} disabled={trace.errorCount === 0}>
              Next error
            </button>
            <button type="button" onClick={() => setCollapsed(new Uint8Array(trace.spanCount))}>
              Expand all
            </button>
            <button type="button" disabled={!isZoomed} onClick={() => setView({ t0: 0, t1: Math.max(trace.durationUs, 1) })}>
              Reset zoom
            </button>
            <label className="playhead">
              playhead
              <input
                type="range"
                aria-label="Playhead"
                min={0}
                max={Math.max(trace.durationUs, 1)}
                step="any"
                value={playhead ?? 0}
                aria-valuetext={playhead === null ? 'no playhead' : `${spokenUs(playhead)} after the trace start${active ? `, ${active.count} active span${active.count === 1 ? '' : 's'}` : ''}`}
                onChange={(e) => setPlayhead(Number(e.target.value))}
              />
            </label>
            <span data-testid="playhead-info" className="muted">
              {active ? `at +${formatUs(playhead!)}: ${active.count} active span${active.count === 1 ? '' : 's'}` : 'no playhead'}
            </span>
          </div>
          <div
            ref={focusRef}
            className="waterfall-focus"
            tabIndex={0}
            onKeyDown={onKey}
            // application: a screen reader passes j, k, e… to it instead of using them to browse
            role="application"
            aria-roledescription="span waterfall"
            aria-label={`Waterfall of ${crumbs[0]?.label ?? 'the trace'}`}
            aria-describedby="waterfall-keys waterfall-selected"
            aria-controls="span-detail"
            data-testid="waterfall"
            data-selected-span={trace.spanId[selected]}
            data-selected-row={rowOf[selected]}
            data-rows={rows.length}
          >
            <Waterfall
              set={set}
              trace={trace}
              rows={rows}
              collapsed={collapsed}
              selected={selected}
              critical={critical}
              showCritical={showCritical}
              view={view}
              playhead={playhead}
              onSelect={(i) => {
                setSelected(i);
                focusRef.current?.focus();
              }}
              onToggle={toggle}
              onView={setView}
              scrollToRow={scrollTo >= 0 ? rowOf[scrollTo]! : -1}
            />
          </div>
          <p className="small muted keys-help" id="waterfall-keys">
            {KEYS_HELP}
          </p>
          <p className="sr-only" id="waterfall-selected" aria-live="polite" aria-atomic="true" data-testid="span-summary">
            {spanSummary(set, trace, selected, rowOf[selected], rows.length, collapsed[selected] === 1)}
          </p>
          {active && active.count > 0 && (
            <div className="active-list small" aria-label="Active spans at the playhead">
              {Array.from(active.spans.slice(0, 12)).map((s) => (
                <button key={s} type="button" className="link" onClick={() => select(s)}>
                  {set.services[trace.service[s]!] || '?'}: {set.names[trace.name[s]!]}
                </button>
              ))}
              {active.count > 12 && <span className="muted"> … {active.count - 12} more</span>}
            </div>
          )}
          <ErrorNote error={detailError} prefix="Span details" className="small" />
          <SpanDetailView detail={detail} ancestry={crumbs} onJump={select} traceId={trace.traceId} />
        </div>
      )}
      {tab === 'map' && map && <ServiceMapView map={map} />}
      {tab === 'compare' && <CompareView sources={sources} a={{ source, trace: traceIndex }} />}
      </div>
    </div>
  );
}
