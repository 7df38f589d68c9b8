/**
 * Structural JSON comparison: JSON compared as data (member order never matters, numbers by
 * value), skipping the values that noise paths name.
 */
import { formatLocation, NoiseMatcher, type Location } from './jsonpath';

export type DifferenceKind = 'changed' | 'type' | 'added' | 'removed';

export interface JsonDifference {
  path: string;
  /** The same place as steps (not serialised into reports; used for noise suggestions). */
  location?: Location;
  kind: DifferenceKind;
  recorded?: unknown;
  replayed?: unknown;
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Are the two documents equal as data once noise is skipped? The common case of a faithful
 * replay, so it allocates nothing per node: one mutable path stack, no key sets, no sorting.
 * A `false` is only a hint (a member present on one side may be noise); diffJson decides.
 */
export function jsonEqualIgnoringNoise(recorded: unknown, replayed: unknown, noise: NoiseMatcher): boolean {
  const path: Location = [];
  const equal = (a: unknown, b: unknown, depth: number): boolean => {
    if (depth > 0 && noise.covers(path, depth)) return true;
    if (a === b) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    const arrayA = Array.isArray(a);
    if (arrayA !== Array.isArray(b)) return false;
    if (arrayA) {
      const xa = a as unknown[];
      const xb = b as unknown[];
      if (xa.length !== xb.length) return false;
      for (let i = 0; i < xa.length; i++) {
        path[depth] = i;
        if (!equal(xa[i], xb[i], depth + 1)) return false;
      }
      return true;
    }
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    const keys = Object.keys(oa);
    if (keys.length !== Object.keys(ob).length) return false;
    for (const k of keys) {
      if (!hasOwn.call(ob, k)) return false;
      path[depth] = k;
      if (!equal(oa[k], ob[k], depth + 1)) return false;
    }
    return true;
  };
  return equal(recorded, replayed, 0);
}

const NO_NOISE = new NoiseMatcher([]);

/** Structural equality of two JSON values: member order does not matter, numbers by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return jsonEqualIgnoringNoise(a, b, NO_NOISE);
}

/** Differences recorded→replayed, at most `limit` of them (the count is still exact). */
export function diffJson(recorded: unknown, replayed: unknown, noise: NoiseMatcher, limit = 100): { differences: JsonDifference[]; total: number } {
  const differences: JsonDifference[] = [];
  let total = 0;
  // One mutable path; a difference takes a copy of it.
  const path: Location = [];
  const push = (depth: number, d: Omit<JsonDifference, 'path' | 'location'>) => {
    total++;
    if (differences.length < limit) {
      const location = path.slice(0, depth);
      differences.push({ path: formatLocation(location), location, ...d });
    }
  };
  const walk = (a: unknown, b: unknown, depth: number) => {
    if (depth > 0 && noise.covers(path, depth)) return;
    const ta = typeOf(a);
    const tb = typeOf(b);
    if (ta !== tb) {
      push(depth, { kind: 'type', recorded: a, replayed: b });
      return;
    }
    if (ta === 'array') {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.max(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        path[depth] = i;
        if (i >= xb.length) {
          if (!noise.covers(path, depth + 1)) push(depth + 1, { kind: 'removed', recorded: xa[i] });
        } else if (i >= xa.length) {
          if (!noise.covers(path, depth + 1)) push(depth + 1, { kind: 'added', replayed: xb[i] });
        } else walk(xa[i], xb[i], depth + 1);
      }
      return;
    }
    if (ta === 'object') {
      const oa = a as Record<string, unknown>;
      const ob = b as Record<string, unknown>;
      const keys = new Set([...Object.keys(oa), ...Object.keys(ob)]);
      for (const k of [...keys].sort()) {
        path[depth] = k;
        const inA = hasOwn.call(oa, k);
        const inB = hasOwn.call(ob, k);
        if (inA && !inB) {
          if (!noise.covers(path, depth + 1)) push(depth + 1, { kind: 'removed', recorded: oa[k] });
        } else if (!inA && inB) {
          if (!noise.covers(path, depth + 1)) push(depth + 1, { kind: 'added', replayed: ob[k] });
        } else walk(oa[k], ob[k], depth + 1);
      }
      return;
    }
    if (a !== b) push(depth, { kind: 'changed', recorded: a, replayed: b });
  };
  walk(recorded, replayed, 0);
  return { differences, total };
}

export const NOISE_MARK = '«noise»';

/**
 * The document with noise values replaced by a mark and members sorted, pretty-printed: what
 * the readable diff and the diff editor show, so only real differences light up.
 */
export function canonicalJsonText(doc: unknown, noise: NoiseMatcher): string {
  const mask = (v: unknown, loc: Location): unknown => {
    if (loc.length > 0 && noise.covers(loc)) return NOISE_MARK;
    if (Array.isArray(v)) return v.map((x, i) => mask(x, [...loc, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = mask((v as Record<string, unknown>)[k], [...loc, k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(mask(doc, []), null, 2);
}
