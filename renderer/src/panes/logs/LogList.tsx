import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useLogs } from '../../store/logs';
import { clock } from './Histogram';

const ROW = 22;

/** The filtered lines, virtualised: only the rows on screen exist, and only their pages are fetched. */
export function LogList() {
  const { total, rows, selected, ensureRows, select, filter } = useLogs();
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: total, getScrollElement: () => parentRef.current, estimateSize: () => ROW, overscan: 20 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => ensureRows(first, last), [first, last, total, rows, ensureRows]);
  // a new filter starts at the top
  useEffect(() => v.scrollToOffset(0), [filter]);
  const position = selected === undefined ? -1 : [...rows].find(([, r]) => r.index === selected)?.[0] ?? -1;
  const onKey = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : e.key === 'PageDown' ? 20 : e.key === 'PageUp' ? -20 : e.key === 'Home' ? -Infinity : e.key === 'End' ? Infinity : 0;
    if (!step) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(total - 1, (position < 0 ? first - 1 : position) + step));
    v.scrollToIndex(next);
    const row = rows.get(next);
    if (row) select(row.index);
    else ensureRows(next, next);
  };
  return (
    <div
      ref={parentRef}
      className="logs-list"
      role="listbox"
      tabIndex={0}
      aria-label={`Log lines (${total.toLocaleString('en')}). Arrow keys or j/k move, the selected line's detail is shown beside.`}
      aria-activedescendant={position >= 0 ? `log-row-${position}` : undefined}
      onKeyDown={onKey}
      data-testid="logs-list"
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {items.map((it) => {
          const r = rows.get(it.index);
          return (
            <div
              key={it.key}
              id={`log-row-${it.index}`}
              role="option"
              aria-selected={r !== undefined && r.index === selected}
              aria-setsize={total}
              aria-posinset={it.index + 1}
              className={`log-row${r && r.index === selected ? ' selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${it.start}px)` }}
              onClick={() => r && select(r.index)}
            >
              {r ? (
                <>
                  <span className="muted">{Number.isFinite(r.ts) ? clock(r.ts) : '—'}</span>
                  <span className={`lvl lvl-${r.level}`}>{r.level === 'unknown' ? '' : r.level}</span>
                  <span className="muted">{r.service}</span>
                  <span title={r.msg}>{r.msg}</span>
                </>
              ) : (
                <span className="muted">…</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
