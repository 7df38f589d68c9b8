/**
 * Step-through helpers: walk a trace like a debugger walks a stack. Spans are numbered in start
 * order (see model.ts), so most moves are index arithmetic; every function returns -1 when
 * there is nowhere to go.
 */
import { SpanFlag, type Trace } from './model';

export function nextSpan(t: Trace, i: number): number {
  return i + 1 < t.spanCount ? i + 1 : -1;
}

export function prevSpan(t: Trace, i: number): number {
  return i - 1 >= 0 && i - 1 < t.spanCount ? i - 1 : -1;
}

/** The next span with an error after `i` in start order (from the start when i is -1), wrapping around. */
export function nextError(t: Trace, i: number, wrap = true): number {
  for (let k = i + 1; k < t.spanCount; k++) if (t.flags[k]! & SpanFlag.Error) return k;
  if (wrap) for (let k = 0; k <= i && k < t.spanCount; k++) if (t.flags[k]! & SpanFlag.Error) return k;
  return -1;
}

export function prevError(t: Trace, i: number, wrap = true): number {
  for (let k = i - 1; k >= 0; k--) if (t.flags[k]! & SpanFlag.Error) return k;
  if (wrap) for (let k = t.spanCount - 1; k >= i && k >= 0; k--) if (t.flags[k]! & SpanFlag.Error) return k;
  return -1;
}

export function parentSpan(t: Trace, i: number): number {
  return i >= 0 && i < t.spanCount ? t.parent[i]! : -1;
}

export function firstChild(t: Trace, i: number): number {
  if (i < 0 || i >= t.spanCount) return -1;
  const a = t.childOffset[i]!;
  return a < t.childOffset[i + 1]! ? t.childList[a]! : -1;
}

/** The sibling after `i` under the same parent (or the next root), in start order. */
export function nextSibling(t: Trace, i: number): number {
  const list = siblingsOf(t, i);
  const k = list.indexOf(i);
  return k >= 0 && k + 1 < list.length ? list[k + 1]! : -1;
}

export function prevSibling(t: Trace, i: number): number {
  const list = siblingsOf(t, i);
  const k = list.indexOf(i);
  return k > 0 ? list[k - 1]! : -1;
}

function siblingsOf(t: Trace, i: number): Int32Array {
  const p = t.parent[i];
  if (p === undefined) return new Int32Array(0);
  return p < 0 ? t.roots : t.childList.subarray(t.childOffset[p]!, t.childOffset[p + 1]!);
}

/** First span whose start is >= time (binary search over the start-ordered spans). */
export function firstStartingAtOrAfter(t: Trace, time: number): number {
  let lo = 0;
  let hi = t.spanCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.start[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Spans active at `time` (start <= time < end; a zero-length span counts at its start).
 * Writes into `out` when given (no allocation per playhead move) and returns the count.
 */
export function activeAt(t: Trace, time: number, out?: Int32Array): { count: number; spans: Int32Array } {
  const limit = firstStartingAtOrAfter(t, time);
  // Every span starting at or before `time` is a candidate; spans starting exactly at time too.
  let upper = limit;
  while (upper < t.spanCount && t.start[upper]! === time) upper++;
  const buf = out ?? new Int32Array(upper);
  let count = 0;
  for (let k = 0; k < upper; k++) {
    const s = t.start[k]!;
    const e = t.end[k]!;
    if (e > time || (e === s && s === time)) {
      if (count < buf.length) buf[count] = k;
      count++;
    }
  }
  return { count, spans: buf.subarray(0, Math.min(count, buf.length)) };
}

/** The deepest span active at `time`, or -1: what the playhead is "in". */
export function deepestActiveAt(t: Trace, time: number): number {
  const { spans } = activeAt(t, time);
  let best = -1;
  for (const k of spans) if (best < 0 || t.depth[k]! >= t.depth[best]!) best = k;
  return best;
}

/** Ancestors from the root down to `i` (inclusive): the "stack" at a span. */
export function ancestry(t: Trace, i: number): number[] {
  const out: number[] = [];
  for (let k = i; k >= 0; k = t.parent[k]!) out.push(k);
  return out.reverse();
}
