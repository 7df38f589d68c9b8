import type { ReplayResult } from '../../../../shared/replay/report';
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid';
import { useReplay, type ReplayFilter, type ResultRows } from '../../store/replay';

/** Path and query (the service shows in the row's title): the list is narrow, the ends matter. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

const COLUMNS: GridColumn<ReplayResult>[] = [
  { key: 'index', header: '#', width: '3.2rem', cell: (r) => r.index },
  { key: 'request', header: 'Request', width: 'minmax(6rem, 1fr)', cell: (r) => `${r.method} ${shortUrl(r.url)}`, cellClass: () => 'url', cellTitle: (r) => `${r.method} ${r.url}` },
  { key: 'status', header: 'Status', title: 'replayed / recorded', width: '5.5rem', cell: (r) => `${r.status ?? '—'} / ${r.recordedStatus}` },
  { key: 'latency', header: 'Latency', title: 'replayed / recorded, ms', width: '6.5rem', cell: (r) => `${r.latencyMs?.toFixed(0) ?? '—'} / ${r.recordedLatencyMs?.toFixed(0) ?? '—'}` },
  // `*`: the recording held no body, so status and content-type were compared (the note says why).
  { key: 'outcome', header: 'Outcome', width: '6.5rem', cell: (r) => (r.note ? `${r.outcome} *` : r.outcome), cellClass: (r) => `outcome-${r.outcome}`, cellTitle: (r) => r.note ?? r.outcome },
];

const FILTERS: ReplayFilter[] = ['all', 'matched', 'mismatched', 'error'];

export function ResultsPanel({ rows, version }: { rows: ResultRows; version: number }) {
  const filter = useReplay((s) => s.filter);
  const selected = useReplay((s) => s.selected);
  const { setFilter, select } = useReplay.getState();
  const shown = rows.list(filter);
  return (
    <div className="replay-panel">
      <h2>Results</h2>
      <div className="replay-filter" role="group" aria-label="Filter by outcome">
        {FILTERS.map((f) => (
          <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f} ({rows.list(f).length})
          </button>
        ))}
      </div>
      <div className="replay-results">
        <VirtualGrid
          label="Results"
          rows={shown}
          version={version + shown.length}
          columns={COLUMNS}
          rowKey={(r) => r.index}
          selected={selected}
          onSelect={select}
          // Enter: the details (the recorded vs replayed diff) take focus
          onOpen={() => requestAnimationFrame(() => document.getElementById('replay-detail-title')?.focus())}
          caption="Status and latency: replayed / recorded. * no body in the recording: status and content-type compared. Arrows select, Enter opens the details."
        />
      </div>
    </div>
  );
}
