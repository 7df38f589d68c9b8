/**
 * Array helpers for inputs of any length. `target.push(...items)` and `Math.max(...items)` pass
 * every element as a call argument, and V8 overflows the stack somewhere past ~65,000 of them:
 * a hostile bundle (a trace with 100k spans on one path, a JSON answer with a huge array) turns
 * that into a crash. These loop instead.
 */

/** Append every item to `target` (in place) and return it. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** Math.max(...values, floor) without spreading: the largest of `values` and `floor`. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max || Number.isNaN(v)) max = v;
  return max;
}

/** Math.min(...values, ceiling) without spreading: the smallest of `values` and `ceiling`. */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let min = ceiling;
  for (const v of values) if (v < min || Number.isNaN(v)) min = v;
  return min;
}
