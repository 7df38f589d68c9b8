/**
 * The span waterfall, drawn on canvas so a 100k-span trace scrolls smoothly: a tall spacer gives
 * the scrollbar its size, and a sticky canvas redraws only the visible rows on each animation
 * frame. No DOM node and no JS object is created per span per frame; every per-span value is
 * read from the trace's typed arrays. The header holds a minimap of the whole trace (drawn once
 * per layout into an offscreen canvas; drag on it to zoom to a range) and the time axis.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { SpanFlag, type Trace, type TraceSet } from '../../../shared/traces/model';

export const ROW_H = 22;
const LABEL_W = 340;
const HEADER_H = 64;
const MINIMAP_H = 36;

export interface TimeRange {
  t0: number;
  t1: number;
}

export interface CriticalIndex {
  /** Sections of span i are sec*[offset[i] .. offset[i+1]). */
  offset: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

export interface WaterfallProps {
  set: TraceSet;
  trace: Trace;
  rows: Int32Array;
  collapsed: Uint8Array;
  selected: number;
  critical: CriticalIndex;
  showCritical: boolean;
  view: TimeRange;
  playhead: number | null;
  onSelect(span: number): void;
  onToggle(span: number): void;
  onView(view: TimeRange): void;
  /** Row to bring into view (changes when keyboard navigation moves the selection). */
  scrollToRow: number;
}

interface Colors {
  text: string;
  muted: string;
  border: string;
  panel: string;
  panel2: string;
  accent: string;
  bad: string;
  warn: string;
}

function readColors(el: HTMLElement): Colors {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c2330'),
    muted: v('--muted', '#5d6879'),
    border: v('--border', '#d9dde4'),
    panel: v('--panel', '#ffffff'),
    panel2: v('--panel-2', '#eef0f4'),
    accent: v('--accent', '#2f6fde'),
    bad: v('--bad', '#c93838'),
    warn: v('--warn', '#b7791f'),
  };
}

/** A stable color per service index (golden-angle hues, starting at blue; red is kept for errors). */
const colorCache: string[] = [];
export function serviceColor(i: number): string {
  return (colorCache[i] ??= makeServiceColor(i));
}

function makeServiceColor(i: number): string {
  let hue = (210 + i * 137.508) % 360;
  if (hue < 20 || hue > 340) hue = (hue + 40) % 360;
  return `hsl(${Math.round(hue)} 55% 55%)`;
}

function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function formatUs(us: number): string {
  const a = Math.abs(us);
  if (a >= 1e6) return `${(us / 1e6).toFixed(a >= 1e7 ? 1 : 2)} s`;
  if (a >= 1e3) return `${(us / 1e3).toFixed(a >= 1e5 ? 0 : a >= 1e4 ? 1 : 2)} ms`;
  return `${us.toFixed(a >= 100 ? 0 : 1)} µs`;
}

/** A duration in words for screen readers ("1.25 milliseconds", not "1.25 µs" read letter by letter). */
export function spokenUs(us: number): string {
  const a = Math.abs(us);
  const [value, unit] = a >= 1e6 ? [us / 1e6, 'second'] : a >= 1e3 ? [us / 1e3, 'millisecond'] : [us, 'microsecond'];
  const n = Number(value.toPrecision(3));
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration shown short and read in words (and machine-readable as an ISO 8601 duration). */
export function Duration({ us, sign }: { us: number; sign?: boolean }) {
  return (
    <time dateTime={`PT${(Math.abs(us) / 1e6).toFixed(6).replace(/\.?0+$/, '')}S`} title={spokenUs(us)}>
      {sign && us >= 0 ? '+' : ''}
      {formatUs(us)}
    </time>
  );
}

declare global {
  interface Window {
    /** Frame timings of the waterfall, read by the e2e/perf tests. */
    __waterfall?: { drawMs: number[]; firstPaintAt?: number; rowsDrawn: number };
  }
}

export function Waterfall(props: WaterfallProps) {
  const { set, trace, rows, collapsed, selected, critical, showCritical, view, playhead, onSelect, onToggle, onView, scrollToRow } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const headerRef = useRef<HTMLCanvasElement>(null);
  const minimapCache = useRef<{ key: string; canvas: HTMLCanvasElement } | null>(null);
  const [size, setSize] = useState({ w: 800, h: 400 });
  const frame = useRef(0);
  const colors = useRef<Colors | null>(null);
  const drag = useRef<{ x0: number; x1: number } | null>(null);
  const latest = useRef(props);
  latest.current = props;

  // Track the scroller's size (canvas pixels follow CSS pixels times devicePixelRatio).
  useLayoutEffect(() => {
    const el = scrollRef.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const drawBody = useCallback(() => {
    const t0 = performance.now();
    const canvas = canvasRef.current;
    const scroller = scrollRef.current;
    if (!canvas || !scroller) return;
    const p = latest.current;
    const tr = p.trace;
    const c = (colors.current ??= readColors(scroller));
    const dpr = window.devicePixelRatio || 1;
    const W = scroller.clientWidth;
    const H = scroller.clientHeight;
    const ctx = prepareCanvas(canvas, W, H, dpr, c.panel);
    const top = scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H));
    const last = Math.min(p.rows.length, Math.ceil((top + H) / ROW_H));
    const tlX = LABEL_W;
    const tlW = Math.max(10, W - LABEL_W - 8);
    const { t0: v0, t1: v1 } = p.view;
    const scale = tlW / Math.max(1e-9, v1 - v0);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    // Grid lines for the time axis.
    const step = niceStep(v1 - v0, Math.max(2, Math.floor(tlW / 110)));
    ctx.strokeStyle = c.border;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      const x = Math.round(tlX + (t - v0) * scale) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, H);
    }
    ctx.stroke();
    for (let r = first; r < last; r++) {
      const i = p.rows[r]!;
      const y = r * ROW_H - top;
      const flags = tr.flags[i]!;
      const isErr = (flags & SpanFlag.Error) !== 0;
      if (i === p.selected) {
        ctx.fillStyle = c.panel2;
        ctx.fillRect(0, y, W, ROW_H);
        ctx.fillStyle = c.accent;
        ctx.fillRect(0, y, 3, ROW_H);
      }
      // Label: indentation, collapse toggle, service swatch, "service name".
      const depth = Math.min(tr.depth[i]!, 24);
      let x = 6 + depth * 12;
      const hasKids = tr.childOffset[i + 1]! > tr.childOffset[i]!;
      ctx.fillStyle = c.muted;
      if (hasKids) ctx.fillText(p.collapsed[i] ? '▸' : '▾', x, y + ROW_H / 2);
      x += 12;
      ctx.fillStyle = serviceColor(tr.service[i]!);
      ctx.fillRect(x, y + 6, 4, ROW_H - 12);
      x += 8;
      const svc = set.services[tr.service[i]!] || '(unknown)';
      const name = set.names[tr.name[i]!]!;
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, LABEL_W - x - 6, ROW_H);
      ctx.clip();
      ctx.fillStyle = isErr ? c.bad : c.text;
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(svc, x, y + ROW_H / 2);
      const sw = ctx.measureText(svc).width;
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillStyle = isErr ? c.bad : c.muted;
      ctx.fillText(isErr ? `${name}  ⚠` : name, x + sw + 6, y + ROW_H / 2);
      ctx.restore();
      // Bar.
      const s = tr.start[i]!;
      const e = tr.end[i]!;
      if (e >= v0 && s <= v1) {
        const bx = tlX + Math.max(0, (s - v0) * scale);
        const bw = Math.max(1.5, tlX + Math.min(tlW, (e - v0) * scale) - bx);
        ctx.fillStyle = isErr ? c.bad : serviceColor(tr.service[i]!);
        ctx.globalAlpha = p.showCritical ? 0.55 : 0.9;
        ctx.fillRect(bx, y + 5, bw, ROW_H - 10);
        ctx.globalAlpha = 1;
        if (p.showCritical) {
          const cp = p.critical;
          for (let k = cp.offset[i]!; k < cp.offset[i + 1]!; k++) {
            const cs = Math.max(v0, cp.start[k]!);
            const ce = Math.min(v1, cp.end[k]!);
            if (ce < cs) continue;
            ctx.fillStyle = isErr ? c.bad : serviceColor(tr.service[i]!);
            ctx.fillRect(tlX + (cs - v0) * scale, y + 3, Math.max(1.5, (ce - cs) * scale), ROW_H - 6);
            ctx.fillStyle = c.text;
            ctx.fillRect(tlX + (cs - v0) * scale, y + ROW_H - 4, Math.max(1.5, (ce - cs) * scale), 2);
          }
        }
        if (p.playhead !== null && s <= p.playhead && (e > p.playhead || (e === s && s === p.playhead))) {
          ctx.strokeStyle = c.text;
          ctx.lineWidth = 1.5;
          ctx.strokeRect(bx, y + 4, bw, ROW_H - 8);
        }
        // Duration text right of the bar when there is room.
        const label = formatUs(e - s);
        const lx = bx + bw + 4;
        if (lx + 60 < tlX + tlW) {
          ctx.fillStyle = c.muted;
          ctx.fillText(label, lx, y + ROW_H / 2);
        }
      }
    }
    // Separator between labels and bars, and the playhead.
    ctx.fillStyle = c.border;
    ctx.fillRect(LABEL_W - 1, 0, 1, H);
    if (p.playhead !== null && p.playhead >= v0 && p.playhead <= v1) {
      ctx.fillStyle = c.accent;
      ctx.fillRect(Math.round(tlX + (p.playhead - v0) * scale), 0, 2, H);
    }
    const stats = (window.__waterfall ??= { drawMs: [], rowsDrawn: 0 });
    if (stats.firstPaintAt === undefined) stats.firstPaintAt = performance.now();
    stats.rowsDrawn = last - first;
    stats.drawMs.push(performance.now() - t0);
    if (stats.drawMs.length > 2000) stats.drawMs.splice(0, 1000);
  }, [set]);

  const drawHeader = useCallback(() => {
    const canvas = headerRef.current;
    const scroller = scrollRef.current;
    if (!canvas || !scroller) return;
    const p = latest.current;
    const tr = p.trace;
    const c = (colors.current ??= readColors(scroller));
    const dpr = window.devicePixelRatio || 1;
    const W = scroller.clientWidth;
    const ctx = prepareCanvas(canvas, W, HEADER_H, dpr, c.panel);
    const tlX = LABEL_W;
    const tlW = Math.max(10, W - LABEL_W - 8);
    const total = Math.max(1e-9, tr.durationUs);
    // Minimap: every visible row as a thin line, drawn once per (trace, rows, width).
    const key = `${tr.traceId}/${p.rows.length}/${p.rows[0]}/${tlW}/${p.rows[p.rows.length - 1]}`;
    if (minimapCache.current?.key !== key) {
      const off = document.createElement('canvas');
      off.width = Math.round(tlW * dpr);
      off.height = Math.round(MINIMAP_H * dpr);
      const o = off.getContext('2d')!;
      o.setTransform(dpr, 0, 0, dpr, 0, 0);
      const n = p.rows.length;
      const rowH = Math.max(0.5, MINIMAP_H / Math.max(1, n));
      // Batch by color: one fillStyle per service (and one for errors), not one per span;
      // parsing a color string 100k times would dominate the first paint.
      const buckets = new Map<number, number[]>();
      for (let r = 0; r < n; r++) {
        const i = p.rows[r]!;
        const key = tr.flags[i]! & SpanFlag.Error ? -1 : tr.service[i]!;
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = []));
        b.push(r);
      }
      for (const [key, list] of buckets) {
        o.fillStyle = key < 0 ? c.bad : serviceColor(key);
        for (const r of list) {
          const i = p.rows[r]!;
          o.fillRect((tr.start[i]! / total) * tlW, (r / n) * MINIMAP_H, Math.max(0.75, ((tr.end[i]! - tr.start[i]!) / total) * tlW), rowH);
        }
      }
      minimapCache.current = { key, canvas: off };
    }
    ctx.fillStyle = c.panel2;
    ctx.fillRect(tlX, 2, tlW, MINIMAP_H);
    ctx.drawImage(minimapCache.current.canvas, tlX, 2, tlW, MINIMAP_H);
    // Current view window on the minimap.
    const vx0 = tlX + (p.view.t0 / total) * tlW;
    const vx1 = tlX + (p.view.t1 / total) * tlW;
    ctx.fillStyle = 'rgba(127,127,127,0.28)';
    ctx.fillRect(tlX, 2, vx0 - tlX, MINIMAP_H);
    ctx.fillRect(vx1, 2, tlX + tlW - vx1, MINIMAP_H);
    ctx.strokeStyle = c.accent;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(vx0, 2, Math.max(2, vx1 - vx0), MINIMAP_H);
    if (drag.current) {
      const a = Math.min(drag.current.x0, drag.current.x1);
      const b = Math.max(drag.current.x0, drag.current.x1);
      ctx.fillStyle = 'rgba(47,111,222,0.25)';
      ctx.fillRect(a, 2, b - a, HEADER_H - 4);
    }
    // Axis for the current view.
    const { t0: v0, t1: v1 } = p.view;
    const step = niceStep(v1 - v0, Math.max(2, Math.floor(tlW / 110)));
    ctx.fillStyle = c.muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      const x = tlX + (t - v0) * ((tlW) / (v1 - v0));
      ctx.fillRect(Math.round(x), MINIMAP_H + 6, 1, 6);
      ctx.fillText(formatUs(t), x + 3, MINIMAP_H + 18);
    }
    ctx.fillStyle = c.text;
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillText(`${p.rows.length.toLocaleString()} row${p.rows.length === 1 ? '' : 's'} · ${tr.spanCount.toLocaleString()} span${tr.spanCount === 1 ? '' : 's'}`, 8, 14);
    ctx.fillStyle = c.muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText('drag on the minimap or axis to zoom', 8, 34);
    ctx.fillStyle = c.border;
    ctx.fillRect(0, HEADER_H - 1, W, 1);
  }, []);

  const schedule = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      drawBody();
    });
  }, [drawBody]);

  // Redraw whenever what is drawn changes. The header (its minimap walks every row) is drawn
  // after the body's frame, so the first paint of the rows never waits for it.
  useEffect(() => {
    schedule();
    const timer = setTimeout(drawHeader, 0);
    return () => clearTimeout(timer);
  }, [schedule, drawHeader, trace, rows, collapsed, selected, critical, showCritical, view, playhead, size]);

  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      // a frame cancelled here must not look pending: schedule() would never draw again (StrictMode remounts)
      frame.current = 0;
    },
    [],
  );
  // The theme follows the OS: colours are read again when it changes.
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const onChange = () => {
      colors.current = null;
      minimapCache.current = null;
      schedule();
      drawHeader();
    };
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [schedule, drawHeader]);
  useEffect(() => {
    window.__waterfall = { drawMs: [], rowsDrawn: 0 };
    minimapCache.current = null;
  }, [trace]);

  // Keep the selected row in view.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || scrollToRow < 0) return;
    const y = scrollToRow * ROW_H;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_H - el.clientHeight;
  }, [scrollToRow]);

  const onBodyClick = (e: ReactMouseEvent<HTMLCanvasElement>, dbl: boolean) => {
    const el = scrollRef.current!;
    const rect = e.currentTarget.getBoundingClientRect();
    const y = e.clientY - rect.top + el.scrollTop;
    const r = Math.floor(y / ROW_H);
    const i = rows[r];
    if (i === undefined) return;
    const x = e.clientX - rect.left;
    const toggleX = 6 + Math.min(trace.depth[i]!, 24) * 12;
    const hasKids = trace.childOffset[i + 1]! > trace.childOffset[i]!;
    if (hasKids && (dbl || (x >= toggleX - 4 && x <= toggleX + 12))) onToggle(i);
    else onSelect(i);
  };

  const headerTime = (clientX: number, rect: DOMRect) => {
    const tlW = Math.max(10, rect.width - LABEL_W - 8);
    const x = Math.min(Math.max(clientX - rect.left - LABEL_W, 0), tlW);
    return x;
  };

  const onHeaderDown = (e: ReactMouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    if (e.clientX - rect.left < LABEL_W) return;
    const x = headerTime(e.clientX, rect) + LABEL_W;
    drag.current = { x0: x, x1: x };
    const onMove = (ev: MouseEvent) => {
      drag.current = { x0: drag.current!.x0, x1: headerTime(ev.clientX, rect) + LABEL_W };
      drawHeader();
    };
    const onUp = () => {
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
      const d = drag.current!;
      drag.current = null;
      const tlW = Math.max(10, rect.width - LABEL_W - 8);
      const a = Math.min(d.x0, d.x1) - LABEL_W;
      const b = Math.max(d.x0, d.x1) - LABEL_W;
      const inMinimap = e.clientY - rect.top <= MINIMAP_H + 2;
      // On the minimap the whole trace is the scale; on the axis, the current view.
      const [s0, s1] = inMinimap ? [0, trace.durationUs] : [view.t0, view.t1];
      if (b - a < 3) {
        drawHeader();
        return;
      }
      onView({ t0: s0 + (a / tlW) * (s1 - s0), t1: s0 + (b / tlW) * (s1 - s0) });
    };
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
  };

  return (
    <div className="waterfall">
      {/* drawn for the eye (drag to zoom); keyboard users zoom with z and Esc */}
      <canvas ref={headerRef} className="waterfall-header" height={HEADER_H} onMouseDown={onHeaderDown} aria-hidden="true" />
      <div ref={scrollRef} className="waterfall-scroll" onScroll={schedule} data-testid="waterfall-scroll">
        <div style={{ height: Math.max(rows.length * ROW_H, 1), position: 'relative' }}>
          <canvas
            ref={canvasRef}
            className="waterfall-body"
            data-testid="waterfall-canvas"
            onClick={(e) => onBodyClick(e, false)}
            onDoubleClick={(e) => onBodyClick(e, true)}
            aria-label="Span waterfall"
            role="img"
          />
        </div>
      </div>
    </div>
  );
}

/**
 * Size a canvas for its CSS box at the device pixel ratio (only when that changed: resizing
 * clears it and costs a reallocation), then clear it to the background for a new frame.
 */
function prepareCanvas(canvas: HTMLCanvasElement, w: number, h: number, dpr: number, background: string): CanvasRenderingContext2D {
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, w, h);
  return ctx;
}
