import { defaultRangeExtractor, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

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

/** What the grid and the listbox share: rows, their keys, the selection, and what Enter opens. */
interface RovingProps<T> {
  label: string;
  rows: readonly T[];
  /** Bump when `rows` changed in place (the array is grown, not replaced). */
  version?: number;
  rowKey(row: T): number;
  selected?: number;
  /** Arrows, Home, End, Page Up/Down, Space and a click select (the details follow the selection). */
  onSelect(key: number): void;
  /** Enter: select and open (e.g. move focus into the details). */
  onOpen?(key: number): void;
  /** Row height in px. */
  rowHeight?: number;
  caption?: ReactNode;
}

export interface VirtualGridProps<T> extends RovingProps<T> {
  columns: GridColumn<T>[];
  rowClass?(row: T, index: number): string;
  /** A click opens as Enter does (where opening is the row's one action, e.g. a filter). */
  clickOpens?: boolean;
}

const PAGE = 10;

interface Roving {
  scroller: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  activeIndex: number;
  onKeyDown(e: KeyboardEvent): void;
}

/**
 * One tab stop for a long virtualised list (roving tabindex): only the rows in view are in the
 * DOM (TanStack Virtual), the active row always is (so focus never lands on nothing), Tab enters
 * at the selected row, and arrows, Page Up/Down, Home and End move the selection while the row
 * keeps focus as it scrolls.
 */
function useRovingVirtual<T>({ rows, rowKey, selected, onSelect, onOpen, rowHeight }: RovingProps<T> & { rowHeight: number }): Roving {
  const scroller = useRef<HTMLDivElement>(null);
  const found = selected === undefined ? -1 : rows.findIndex((r) => rowKey(r) === selected);
  const activeIndex = Math.max(0, found);
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

  useEffect(() => {
    if (!focusAfterRender.current) return;
    focusAfterRender.current = false;
    scroller.current?.querySelector<HTMLElement>(`[data-row-index="${activeIndex}"]`)?.focus();
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const last = rows.length - 1;
    // nothing of this list selected yet (a filter hid it): the first move lands on the first row
    const from = found < 0 ? -1 : activeIndex;
    const next: Record<string, number> = {
      ArrowDown: Math.min(last, from + 1),
      ArrowUp: Math.max(0, from - 1),
      PageDown: Math.min(last, from + PAGE),
      PageUp: Math.max(0, from - PAGE),
      Home: 0,
      End: last,
    };
    const to = next[e.key];
    if (to === undefined) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        const key = rowKey(rows[activeIndex]!);
        onSelect(key);
        if (e.key === 'Enter') onOpen?.(key);
      }
      return;
    }
    e.preventDefault();
    focusAfterRender.current = true;
    virtualizer.scrollToIndex(to, { align: 'auto' });
    onSelect(rowKey(rows[to]!));
  };
  return { scroller, virtualizer, activeIndex, onKeyDown };
}

/** A long table as an ARIA grid (one row per line; see useRovingVirtual for the keys). */
function VirtualGridImpl<T>(props: VirtualGridProps<T>) {
  const { label, rows, columns, rowKey, selected, onSelect, onOpen, rowHeight = 26, caption, rowClass, clickOpens } = props;
  const id = useId();
  const { scroller, virtualizer, activeIndex, onKeyDown } = useRovingVirtual({ ...props, rowHeight });
  const template = columns.map((c) => c.width).join(' ');

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
                className={`vgrid-row${rowClass ? ` ${rowClass(row, v.index)}` : ''}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={key === selected}
                tabIndex={v.index === activeIndex ? 0 : -1}
                onClick={() => {
                  onSelect(key);
                  if (clickOpens) onOpen?.(key);
                }}
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

export interface VirtualListboxProps<T> extends RovingProps<T> {
  option(row: T): ReactNode;
  className?: string;
  optionClass?(row: T, selected: boolean): string;
}

/** A long list of items of several lines as an ARIA listbox, with the same keys as the grid. */
function VirtualListboxImpl<T>(props: VirtualListboxProps<T>) {
  const { label, rows, rowKey, selected, onSelect, rowHeight = 52, option, className, optionClass } = props;
  const { scroller, virtualizer, activeIndex, onKeyDown } = useRovingVirtual({ ...props, rowHeight });
  return (
    <div ref={scroller} className={className} role="listbox" aria-label={label} onKeyDown={onKeyDown}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index]!;
          const key = rowKey(row);
          return (
            <div
              key={key}
              data-row-index={v.index}
              role="option"
              aria-selected={key === selected}
              aria-setsize={rows.length}
              aria-posinset={v.index + 1}
              tabIndex={v.index === activeIndex ? 0 : -1}
              className={optionClass?.(row, key === selected)}
              onClick={() => onSelect(key)}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: v.size, transform: `translateY(${v.start}px)` }}
            >
              {option(row)}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export const VirtualListbox = memo(VirtualListboxImpl) as typeof VirtualListboxImpl;
