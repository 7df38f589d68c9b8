import { useEffect, useState } from 'react';
import type { TraceListItem, TraceQuery, TraceSortKey } from '../../../../shared/traces/search';
import { VirtualListbox } from '../../components/VirtualGrid';
import { formatUs } from '../../components/Waterfall';
import type { LoadedSource } from '../../store/traces';

function TraceOption({ t }: { t: TraceListItem }) {
  return (
    <>
      <div className="trace-item-title">
        <strong>{t.rootService}</strong> {t.rootName}
      </div>
      <div className="small muted">
        {formatUs(t.durationUs)} · {t.spanCount.toLocaleString()} spans
        {t.errorCount > 0 && <span className="error"> · {t.errorCount} errors</span>} · <code>{t.traceId.slice(0, 12)}</code>
      </div>
    </>
  );
}

/**
 * Searchable, sortable list of the traces of one source; the search runs in the worker. A listbox:
 * arrows open the trace they land on, Enter moves focus into its waterfall.
 */
export function TraceList({ source, selected, onSelect, onOpen }: { source: LoadedSource; selected: number; onSelect(i: number): void; onOpen(i: number): void }) {
  const [query, setQuery] = useState<TraceQuery>({});
  const [sort, setSort] = useState<TraceSortKey>('duration');
  const [desc, setDesc] = useState(true);
  const [items, setItems] = useState<TraceListItem[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      source.client.search(query, sort, desc).then(
        (r) => !stale && (setItems(r), setError(undefined)),
        (e: Error) => !stale && setError(e.message),
      );
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [source, query, sort, desc]);

  const num = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s));
  const services = source.summary.services;

  return (
    <div className="trace-list">
      <div className="trace-filters" role="search" aria-label="Filter traces">
        <select aria-label="Service" value={query.service ?? ''} onChange={(e) => setQuery({ ...query, service: e.target.value || undefined })}>
          <option value="">All services</option>
          {services.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input aria-label="Operation" placeholder="Operation contains…" onChange={(e) => setQuery({ ...query, operation: e.target.value || undefined })} />
        <div className="row">
          <input aria-label="Min duration (ms)" placeholder="min ms" inputMode="decimal" onChange={(e) => setQuery({ ...query, minDurationMs: num(e.target.value) })} />
          <input aria-label="Max duration (ms)" placeholder="max ms" inputMode="decimal" onChange={(e) => setQuery({ ...query, maxDurationMs: num(e.target.value) })} />
        </div>
        <input aria-label="Attribute" placeholder="attribute: key=value or text" onChange={(e) => setQuery({ ...query, attribute: e.target.value.trim() || undefined })} />
        <div className="row">
          <label className="small">
            <input type="checkbox" checked={!!query.errorsOnly} onChange={(e) => setQuery({ ...query, errorsOnly: e.target.checked || undefined })} /> errors only
          </label>
          <select aria-label="Sort by" value={sort} onChange={(e) => setSort(e.target.value as TraceSortKey)}>
            <option value="duration">duration</option>
            <option value="start">start</option>
            <option value="spans">spans</option>
            <option value="errors">errors</option>
            <option value="service">service</option>
          </select>
          <button type="button" aria-label={desc ? 'Descending' : 'Ascending'} onClick={() => setDesc(!desc)}>
            {desc ? '↓' : '↑'}
          </button>
        </div>
        <div className="small muted" aria-live="polite">
          {error ? <span className="error">{error}</span> : `${items.length} of ${source.set.traces.length} traces`}
        </div>
      </div>
      <VirtualListbox
        label="Traces"
        className="trace-list-scroll"
        rows={items}
        rowKey={(t) => t.index}
        selected={selected}
        onSelect={onSelect}
        onOpen={onOpen}
        rowHeight={52}
        optionClass={(_t, isSelected) => `trace-item${isSelected ? ' selected' : ''}`}
        option={(t) => <TraceOption t={t} />}
      />
    </div>
  );
}
