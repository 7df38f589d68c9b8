/**
 * The rows of a waterfall: the span tree in depth-first order (children in start order), with
 * collapsed subtrees hidden. One Int32Array for the whole trace; rebuilt only when the set of
 * collapsed spans changes, never per frame.
 */
import type { Trace } from './model';

/** `collapsed[i] === 1` hides the descendants of span i. */
export function visibleRows(t: Trace, collapsed?: Uint8Array): Int32Array {
  const rows = new Int32Array(t.spanCount);
  let n = 0;
  const stack: number[] = [];
  for (let r = t.roots.length - 1; r >= 0; r--) stack.push(t.roots[r]!);
  while (stack.length) {
    const i = stack.pop()!;
    rows[n++] = i;
    if (collapsed && collapsed[i]) continue;
    for (let k = t.childOffset[i + 1]! - 1; k >= t.childOffset[i]!; k--) stack.push(t.childList[k]!);
  }
  return rows.subarray(0, n);
}

/** Un-collapse every ancestor of span i so that it becomes visible; returns true if anything changed. */
export function revealSpan(t: Trace, collapsed: Uint8Array, i: number): boolean {
  let changed = false;
  for (let p = t.parent[i]!; p >= 0; p = t.parent[p]!) {
    if (collapsed[p]) {
      collapsed[p] = 0;
      changed = true;
    }
  }
  return changed;
}

/** Row number of each span in `rows` (-1 when hidden), for scrolling a span into view. */
export function rowIndex(t: Trace, rows: Int32Array): Int32Array {
  const idx = new Int32Array(t.spanCount).fill(-1);
  for (let r = 0; r < rows.length; r++) idx[rows[r]!] = r;
  return idx;
}

/** Collapse everything deeper than `depth` (e.g. to open a 100k-span trace at a readable level). */
export function collapseBelow(t: Trace, depth: number): Uint8Array {
  const c = new Uint8Array(t.spanCount);
  for (let i = 0; i < t.spanCount; i++) {
    if (t.depth[i]! >= depth && t.childOffset[i + 1]! > t.childOffset[i]!) c[i] = 1;
  }
  return c;
}
