import { useRef, useState, type PointerEvent } from 'react';
import type { Histogram } from '../../../../shared/logs/store';

export const LEVEL_COLOR: Record<string, string> = {
  fatal: 'var(--bad)',
  error: 'var(--bad)',
  warn: 'var(--warn)',
  info: 'var(--accent)',
  debug: 'var(--muted)',
  trace: 'var(--border)',
  unknown: 'var(--border)',
};

export const clock = (t: number) => new Date(t).toISOString().slice(11, 23);
const STACK = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unknown'];

/**
 * Lines per interval, stacked by level (errors at the bottom, where the eye starts). Drag
 * across it to keep only that time range; the range shows as a band.
 */
export function LogHistogram({ h, range, onRange }: { h: Histogram; range: { from?: number; to?: number }; onRange(from?: number, to?: number): void }) {
  const ref = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const bins = h.counts[0]?.length ?? 0;
  const totals = new Array<number>(bins).fill(0);
  for (const row of h.counts) row.forEach((c, b) => (totals[b]! += c));
  const max = Math.max(1, ...totals);
  const W = 1000;
  const H = 100;
  const bw = W / Math.max(1, bins);
  const timeAt = (clientX: number) => {
    const r = ref.current!.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (clientX - r.left) / r.width));
    return h.t0 + x * (h.t1 - h.t0);
  };
  const xOf = (t: number) => ((t - h.t0) / (h.t1 - h.t0)) * W;
  const order = STACK.filter((l) => h.levels.includes(l));
  const band = drag ? { from: Math.min(drag.a, drag.b), to: Math.max(drag.a, drag.b) } : range.from !== undefined || range.to !== undefined ? { from: range.from ?? h.t0, to: range.to ?? h.t1 } : null;
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    ref.current?.setPointerCapture(e.pointerId);
    const t = timeAt(e.clientX);
    setDrag({ a: t, b: t });
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => drag && setDrag({ ...drag, b: timeAt(e.clientX) });
  const onUp = () => {
    if (!drag) return;
    const from = Math.min(drag.a, drag.b);
    const to = Math.max(drag.a, drag.b);
    setDrag(null);
    // a click without a drag clears the range
    if (to - from < (h.t1 - h.t0) / 500) onRange(undefined, undefined);
    else onRange(Math.floor(from), Math.ceil(to));
  };
  const summary = order.map((l) => `${l} ${h.counts[h.levels.indexOf(l)]!.reduce((a, b) => a + b, 0)}`).join(', ');
  return (
    <div className="logs-histogram">
      <svg ref={ref} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Lines per ${h.binMs / 1000} s by level: ${summary}. Drag to choose a time range.`} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} data-testid="logs-histogram">
        {totals.map((_, b) => {
          let y = H;
          return order.map((l) => {
            const c = h.counts[h.levels.indexOf(l)]![b]!;
            if (!c) return null;
            const hh = (c / max) * (H - 4);
            y -= hh;
            return <rect key={`${b}-${l}`} x={b * bw + 0.5} y={y} width={Math.max(0.5, bw - 1)} height={hh} style={{ fill: LEVEL_COLOR[l] }} />;
          });
        })}
        {band && <rect x={xOf(band.from)} y={0} width={Math.max(1, xOf(band.to) - xOf(band.from))} height={H} style={{ fill: 'var(--accent)', opacity: 0.15 }} />}
      </svg>
      <div className="axis small muted">
        <span>{clock(h.t0)}</span>
        <span>
          {order.map((l) => (
            <span key={l} style={{ marginLeft: 10 }}>
              <span aria-hidden style={{ color: LEVEL_COLOR[l] }}>■</span> {l}
            </span>
          ))}
        </span>
        <span>{clock(h.t1)} UTC</span>
      </div>
    </div>
  );
}
