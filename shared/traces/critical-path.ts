/**
 * Critical path, following Jaeger UI's algorithm (TracePage/CriticalPath):
 *
 * 1. Per root, take its subtree without FOLLOWS_FROM children (they do not block their parent)
 *    and without spans that reuse an earlier span's ID (SpanFlag.DuplicateId: never twice on the path).
 * 2. Clip every child to its (already clipped) parent's interval, top down; a child lying wholly
 *    outside its parent is dropped with its descendants.
 * 3. Starting at the root with no "return time": the last-finishing child (LFC) is the child
 *    with the latest end. The parent's section from the LFC's end up to the parent's end is on
 *    the path; then descend into the LFC.
 * 4. A span without an LFC is on the path from its start up to its return time (its end when
 *    first entered). Then go back to its parent with return time = this span's start, and pick
 *    the parent's next LFC among the children that END STRICTLY BEFORE that time.
 *
 * Parallel children: a child that overlaps the chosen LFC (ends at or after the LFC's start)
 * is never on the path; the walk moves straight to the latest child that finished before the
 * LFC began, and any gap between them counts as the parent's own (self) time. So of several
 * concurrent calls, only the one that finished last is blamed, as in Jaeger.
 *
 * Differences from Jaeger's code: times here are relative to the trace start, so a return time
 * of 0 is a real time (Jaeger tests truthiness on absolute times); each parent keeps a cursor
 * into its end-sorted children, so wide spans cost O(children) rather than O(children^2).
 */
import { SpanFlag, type Trace } from './model';
import { appendAll } from '../array';

export interface CriticalSection {
  span: number;
  /** µs relative to the trace start. */
  start: number;
  end: number;
}

export interface CriticalPathEntry {
  span: number;
  /** Time this span itself is on the critical path, in µs. */
  selfUs: number;
}

/** Sections of the critical path, in time order. */
export function criticalPathSections(t: Trace): CriticalSection[] {
  const n = t.spanCount;
  const cs = new Float64Array(n);
  const ce = new Float64Array(n);
  // Children kept for the walk, per span, sorted by clipped end (latest first): span p's are
  // kids[t.childOffset[p] .. t.childOffset[p] + kidCount[p]) (the children lists' own layout, so
  // no array per span: a 500k-span trace has about as many parents).
  const kids = new Int32Array(n);
  const kidCount = new Int32Array(n);
  const cursor = new Int32Array(n);
  const stack = new Int32Array(n);
  const byLaterEnd = (a: number, b: number) => ce[b]! - ce[a]!;
  const out: CriticalSection[] = [];

  for (const root of t.roots) {
    if (t.flags[root]! & SpanFlag.DuplicateId) continue;
    // Top-down clipping in DFS preorder.
    let top = 0;
    stack[top++] = root;
    cs[root] = t.start[root]!;
    ce[root] = t.end[root]!;
    while (top > 0) {
      const p = stack[--top]!;
      const base = t.childOffset[p]!;
      let kept = 0;
      for (let k = base; k < t.childOffset[p + 1]!; k++) {
        const c = t.childList[k]!;
        // A span that reuses an earlier span's ID is the same operation told twice: the first stands for it.
        if (t.flags[c]! & (SpanFlag.FollowsFrom | SpanFlag.DuplicateId)) continue;
        let s = t.start[c]!;
        let e = t.end[c]!;
        const ps = cs[p]!;
        const pe = ce[p]!;
        if (s >= ps ? s >= pe : e <= ps) continue; // wholly outside: dropped with its subtree
        if (s < ps) s = ps;
        if (e > pe) e = pe;
        cs[c] = s;
        ce[c] = e;
        kids[base + kept++] = c;
        stack[top++] = c;
      }
      kidCount[p] = kept;
      // Stable: among equal ends the earlier-starting child comes first.
      if (kept > 1) kids.subarray(base, base + kept).sort(byLaterEnd);
    }

    const sections: CriticalSection[] = [];
    const push = (span: number, start: number, end: number) => {
      if (start !== end) sections.push({ span, start, end });
    };
    let cur = root;
    let returning: number | undefined;
    for (;;) {
      const base = t.childOffset[cur]!;
      const count = kidCount[cur]!;
      let lfc = -1;
      if (count > 0) {
        if (returning === undefined) {
          lfc = kids[base]!;
          cursor[cur] = 1;
        } else {
          // Return times only decrease for a given parent, so the cursor never goes back.
          let k = cursor[cur]!;
          while (k < count && !(ce[kids[base + k]!]! < returning)) k++;
          if (k < count) lfc = kids[base + k]!;
          cursor[cur] = k + 1;
        }
      }
      const sectionEnd = returning ?? ce[cur]!;
      if (lfc >= 0) {
        push(cur, ce[lfc]!, sectionEnd);
        cur = lfc;
        returning = undefined;
        continue;
      }
      push(cur, cs[cur]!, sectionEnd);
      if (cur === root) break;
      returning = cs[cur]!;
      cur = t.parent[cur]!;
    }
    sections.reverse();
    appendAll(out, sections);
  }
  return out;
}

/** The spans on the critical path with their self time, in the order the path reaches them. */
export function criticalPath(t: Trace): CriticalPathEntry[] {
  const bySpan = new Map<number, CriticalPathEntry>();
  for (const s of criticalPathSections(t)) {
    const e = bySpan.get(s.span);
    if (e) e.selfUs += s.end - s.start;
    else bySpan.set(s.span, { span: s.span, selfUs: s.end - s.start });
  }
  return [...bySpan.values()];
}

/** A per-span mask (1 = on the critical path), for highlighting in the waterfall. */
export function criticalPathMask(t: Trace): Uint8Array {
  const mask = new Uint8Array(t.spanCount);
  for (const s of criticalPathSections(t)) mask[s.span] = 1;
  return mask;
}
