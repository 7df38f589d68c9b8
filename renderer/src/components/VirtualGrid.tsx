import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface GridColumn<T> {
  key: string;
  header: ReactNode;
  /** Tooltip of the header. */
  title?: string;
  /** A CSS grid track size (e.g. '4rem', 'minmax(0, 1fr)'). */
  width: string;
  cell(row: T): ReactNode;
  cellClass?(row: T): string;
  cellTitle?(row: T): string;
}

export interface VirtualGridProps<T> {
  label: string;
  rows: readonly T[];
  /** Bump when `rows` changed in place (the array is grown, not replaced). */
  version?: number;
  columns: GridColumn<T>[];
  rowKey(row: T): number;
  selected?: number;
  onSelect(key: number): void;
  /** Row height in px (rows are one line). */
  rowHeight?: number;
  caption?: ReactNode;
}

const PAGE = 10;

/**
 * A long list as an ARIA grid: only the rows in view are in the DOM (TanStack Virtual), the
 * selected row always is (so focus never lands on nothing), and one row is in the tab order at a
 * time (roving tabindex): Tab enters at the selected row, arrows, Page Up/Down, Home and End
 * move the selection, and the row keeps focus as it scrolls.
 */
function VirtualGridImpl<T>({ label, rows, columns, rowKey, selected, onSelect, rowHeight = 26, caption }: VirtualGridProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const id = useId();
  const activeIndex = Math.max(0, selected === undefined ? 0 : rows.findIndex((r) => rowKey(r) === selected));
  const focusAfterRender = useRef(false);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // keep the active row rendered even when scrolled out of view: it holds the tab stop
    rangeExtractor: useCallback(
      (range: Parameters<typeof defaultRangeExtractor>[0]) => {
        const list = defaultRangeExtractor(range);
        return activeIndex < rows.length && !list.includes(activeIndex) ? [...list, activeIndex].sort((a, b) => a - b) : list;
      },
      [activeIndex, rows.length],
    ),
  });
  const template = columns.map((c) => c.width).join(' ');

  useEffect(() => {
    if (!focusAfterRender.current) return;
    focusAfterRender.current = false;
    scroller.current?.querySelector<HTMLElement>(`[data-row-index="${activeIndex}"]`)?.focus();
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const last = rows.length - 1;
    const next: Record<string, number> = {
      ArrowDown: Math.min(last, activeIndex + 1),
      ArrowUp: Math.max(0, activeIndex - 1),
      PageDown: Math.min(last, activeIndex + PAGE),
      PageUp: Math.max(0, activeIndex - PAGE),
      Home: 0,
      End: last,
    };
    const to = next[e.key];
    if (to === undefined) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(rowKey(rows[activeIndex]!));
      }
      return;
    }
    e.preventDefault();
    focusAfterRender.current = true;
    virtualizer.scrollToIndex(to, { align: 'auto' });
    onSelect(rowKey(rows[to]!));
  };

  return (
    <div className="vgrid" role="grid" aria-label={label} aria-rowcount={rows.length + 1} aria-colcount={columns.length} aria-describedby={caption ? `${id}-caption` : undefined} onKeyDown={onKeyDown}>
      <div className="vgrid-row vgrid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" title={c.title}>
            {c.header}
          </div>
        ))}
      </div>
      <div className="vgrid-body" ref={scroller} role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index]!;
            const key = rowKey(row);
            return (
              <div
                key={key}
                id={`${id}-r${key}`}
                data-row-index={v.index}
                className="vgrid-row"
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={key === selected}
                tabIndex={v.index === activeIndex ? 0 : -1}
                onClick={() => onSelect(key)}
                style={{ gridTemplateColumns: template, height: v.size, transform: `translateY(${v.start}px)` }}
              >
                {columns.map((c) => (
                  <div key={c.key} role="gridcell" className={c.cellClass?.(row)} title={c.cellTitle?.(row)}>
                    {c.cell(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {caption && (
        <div id={`${id}-caption`} className="vgrid-caption">
          {caption}
        </div>
      )}
    </div>
  );
}

// Re-rendered when its props change; `version` stands for rows grown in place.
export const VirtualGrid = memo(VirtualGridImpl) as typeof VirtualGridImpl;
