/**
 * Structural JSON comparison: JSON compared as data (member order never matters, numbers by
 * value), skipping the values that noise paths name.
 */
import { formatLocation, type Location, type NoiseMatcher } from './jsonpath';

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

/** Differences recorded→replayed, at most `limit` of them (the count is still exact). */
export function diffJson(recorded: unknown, replayed: unknown, noise: NoiseMatcher, limit = 100): { differences: JsonDifference[]; total: number } {
  const differences: JsonDifference[] = [];
  let total = 0;
  const push = (d: JsonDifference) => {
    total++;
    if (differences.length < limit) differences.push(d);
  };
  const walk = (a: unknown, b: unknown, loc: Location) => {
    if (loc.length > 0 && noise.covers(loc)) return;
    const ta = typeOf(a);
    const tb = typeOf(b);
    if (ta !== tb) {
      push({ path: formatLocation(loc), location: loc, kind: 'type', recorded: a, replayed: b });
      return;
    }
    if (ta === 'array') {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.max(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const at = [...loc, i];
        if (i >= xb.length) {
          if (!noise.covers(at)) push({ path: formatLocation(at), location: at, kind: 'removed', recorded: xa[i] });
        } else if (i >= xa.length) {
          if (!noise.covers(at)) push({ path: formatLocation(at), location: at, kind: 'added', replayed: xb[i] });
        } else walk(xa[i], xb[i], at);
      }
      return;
    }
    if (ta === 'object') {
      const oa = a as Record<string, unknown>;
      const ob = b as Record<string, unknown>;
      const keys = new Set([...Object.keys(oa), ...Object.keys(ob)]);
      for (const k of [...keys].sort()) {
        const at = [...loc, k];
        const inA = Object.prototype.hasOwnProperty.call(oa, k);
        const inB = Object.prototype.hasOwnProperty.call(ob, k);
        if (inA && !inB) {
          if (!noise.covers(at)) push({ path: formatLocation(at), location: at, kind: 'removed', recorded: oa[k] });
        } else if (!inA && inB) {
          if (!noise.covers(at)) push({ path: formatLocation(at), location: at, kind: 'added', replayed: ob[k] });
        } else walk(oa[k], ob[k], at);
      }
      return;
    }
    if (a !== b) push({ path: formatLocation(loc), location: loc, kind: 'changed', recorded: a, replayed: b });
  };
  walk(recorded, replayed, []);
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
