/**
 * Guarded noise suggestions. Run the same replay twice: a field whose value differs between the
 * two runs themselves (same service, same input, moments apart) is noise such as a timestamp or a
 * generated id. Such paths are only *proposed*; the user accepts them into the session.
 *
 * Guards — a path is never proposed when it would hide:
 *  - a whole object or array (any value it matches, in either run, is an object or array);
 *  - an array's length or element presence (paths ending in [N] / [*], or differences that are
 *    added/removed members or elements, or changes of type);
 *  - the status: HTTP status is never a JSON path, and a body member named `status` is refused.
 * The refused candidates are returned with the reason, so the UI can say why.
 */
import { tryStrictUtf8 } from './bytes';
import { isJsonMime } from './compare';
import { diffJson } from './json-diff';
import { NoiseMatcher, formatLocation, parseNoisePath, selectAll, type Location } from './jsonpath';

export interface RunResponse {
  index: number;
  status: number;
  contentType: string | undefined;
  body: Uint8Array;
}

export interface NoiseSuggestion {
  path: string;
  /** How many requests showed the difference. */
  requests: number;
  example: { index: number; first: unknown; second: unknown };
}

export interface RefusedSuggestion {
  path: string;
  reason: string;
  requests: number;
}

export interface NoiseSuggestions {
  suggested: NoiseSuggestion[];
  refused: RefusedSuggestion[];
  /** Requests whose status differed between the runs: unstable, and never hidden. */
  unstableStatus: { index: number; first: number; second: number }[];
  comparedRequests: number;
}

const STATUS_KEY = /^status(code|_code)?$/i;

function parse(r: RunResponse): { ok: true; value: unknown } | { ok: false } {
  if (!isJsonMime(r.contentType)) return { ok: false };
  const t = tryStrictUtf8(r.body);
  if (t === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

/** Array positions become [*]: an id that differs in items[0] differs in every item. */
function generalize(loc: Location): string {
  return formatLocation(loc).replace(/\[\d+\]/g, '[*]');
}

export function suggestNoise(first: RunResponse[], second: RunResponse[], existingNoise: readonly string[]): NoiseSuggestions {
  const existing = new NoiseMatcher(existingNoise);
  const byIndex = new Map(second.map((r) => [r.index, r]));
  const candidates = new Map<string, { requests: Set<number>; example: NoiseSuggestion['example'] }>();
  const refused = new Map<string, { reason: string; requests: Set<number> }>();
  const unstableStatus: NoiseSuggestions['unstableStatus'] = [];
  const docs: unknown[] = [];
  let compared = 0;
  const refuse = (path: string, reason: string, index: number) => {
    const r = refused.get(path) ?? { reason, requests: new Set<number>() };
    r.requests.add(index);
    refused.set(path, r);
  };

  for (const a of first) {
    const b = byIndex.get(a.index);
    if (!b) continue;
    compared++;
    if (a.status !== b.status) {
      unstableStatus.push({ index: a.index, first: a.status, second: b.status });
      continue;
    }
    const ja = parse(a);
    const jb = parse(b);
    if (!ja.ok || !jb.ok) continue;
    docs.push(ja.value, jb.value);
    const { differences } = diffJson(ja.value, jb.value, existing, 10_000);
    for (const d of differences) {
      const loc = d.location ?? [];
      const path = generalize(loc);
      if (d.kind !== 'changed') {
        refuse(path, d.kind === 'type' ? 'its type differs between runs (a structural change, not noise)' : 'a member or element is present in one run only: hiding it would hide an array length or object shape', a.index);
        continue;
      }
      const last = loc[loc.length - 1];
      if (typeof last !== 'string') {
        refuse(path, 'ends at an array element: hiding it would hide the array', a.index);
        continue;
      }
      if (STATUS_KEY.test(last)) {
        refuse(path, 'a status field is never noise', a.index);
        continue;
      }
      const c = candidates.get(path) ?? { requests: new Set<number>(), example: { index: a.index, first: d.recorded, second: d.replayed } };
      c.requests.add(a.index);
      candidates.set(path, c);
    }
  }

  const suggested: NoiseSuggestion[] = [];
  for (const [path, c] of candidates) {
    if (refused.has(path)) continue;
    // The generalised path may match more than the differing values: check every match it
    // would hide, in every compared body, is a scalar.
    const segs = parseNoisePath(path);
    const hidesContainer = docs.some((doc) => selectAll(segs, doc).some((m) => m.value !== null && typeof m.value === 'object'));
    if (hidesContainer) {
      refuse(path, 'would hide a whole object or array somewhere in the responses', c.example.index);
      continue;
    }
    suggested.push({ path, requests: c.requests.size, example: c.example });
  }
  suggested.sort((x, y) => y.requests - x.requests || x.path.localeCompare(y.path));
  return {
    suggested,
    refused: [...refused].map(([path, r]) => ({ path, reason: r.reason, requests: r.requests.size })).sort((x, y) => x.path.localeCompare(y.path)),
    unstableStatus,
    comparedRequests: compared,
  };
}
