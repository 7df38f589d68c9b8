/**
 * Symptom evidence: each symptom the bundle names (`incident.symptoms`) is looked for in the
 * responses the reproduction got. A symptom shows when at least one request it names got a
 * response meeting all of its conditions (an incident's symptom need not hit every request).
 *   reproduced      every symptom shows;
 *   not-reproduced  none shows, though requests for each were answered;
 *   inconclusive    some show and some do not, or a symptom's requests were not replayed or
 *                   their bodies are not known.
 */
import { parseSymptomRequest, type Symptom } from '../bundle/symptoms';
import { jsonEqual } from '../replay/json-diff';
import { NoiseMatcher, parseJsonPath as parseNoiseLike } from '../replay/jsonpath';
import { queryJsonPath } from '../runbook/json-path';
import { plural, requestLabel, type Evidence } from './types';

/** One replayed request as the symptom check sees it. */
export interface Observation {
  method: string;
  url: string;
  /** null: no response. */
  status: number | null;
  latencyMs: number | null;
  /** The response body parsed as JSON; `undefined` when unknown (not JSON, not kept) */
  body?: unknown;
  /** True when the body is known (it may be known and not JSON: then `body` is undefined). */
  bodyKnown: boolean;
  /** JSON paths whose values are not known in `body` (noise of a matched response taken from its recording). */
  unknownPaths?: readonly string[];
}

export type SymptomOutcome = 'shown' | 'not-shown' | 'not-exercised' | 'unknown';

export interface SymptomResult {
  name: string;
  request: string;
  outcome: SymptomOutcome;
  /** Requests the symptom names that were answered. */
  requests: number;
  /** Of those, how many showed it. */
  shown: number;
  /** What one answered request showed (the first that showed it, else the first answered). */
  example?: string;
}

export interface SymptomsDetails {
  symptoms: SymptomResult[];
}

function statusMatches(want: number | string, got: number): boolean {
  return typeof want === 'number' ? got === want : Math.floor(got / 100) === Number(want[0]);
}

function targets(s: Symptom, o: Observation): boolean {
  const want = parseSymptomRequest(s.request);
  if (o.method.toUpperCase() !== want.method) return false;
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    return false;
  }
  if (s.service && u.hostname !== s.service) return false;
  if (u.pathname !== want.path) return false;
  return want.query.every(([k, v]) => u.searchParams.getAll(k).includes(v));
}

/** Whether one answered request shows the symptom: true, false, or undefined (its body is not known). */
function shows(s: Symptom, o: Observation): { shown: boolean | undefined; what: string } {
  const parts: string[] = [];
  let shown: boolean | undefined = true;
  if (o.status === null) return { shown: false, what: 'no answer' };
  if (s.status !== undefined) {
    parts.push(`status ${o.status}`);
    if (!statusMatches(s.status, o.status)) shown = false;
  }
  if (s.latencyMs) {
    parts.push(o.latencyMs === null ? 'latency unknown' : `${Math.round(o.latencyMs)} ms`);
    if (o.latencyMs === null) shown = shown === false ? false : undefined;
    else if (!(o.latencyMs > s.latencyMs.above)) shown = false;
  }
  if (s.json) {
    const hidden = (o.unknownPaths ?? []).length > 0 && coveredByNoise(s.json.path, o.unknownPaths!);
    if (!o.bodyKnown || hidden) {
      parts.push(`${s.json.path} unknown`);
      if (shown !== false) shown = undefined;
    } else {
      const values = o.body === undefined ? [] : queryJsonPath(o.body, s.json.path);
      parts.push(values.length === 0 ? `no ${s.json.path}` : `${s.json.path} = ${JSON.stringify(values[0])}`);
      if (!values.some((v) => jsonEqual(v, s.json!.equals))) shown = false;
    }
  }
  return { shown, what: parts.join(', ') };
}

/** Is the symptom's path (or a part of it) among the paths whose values are not known? */
function coveredByNoise(path: string, unknown: readonly string[]): boolean {
  try {
    const segs = parseNoiseLike(path, { label: 'JSON path', negativeIndexes: true });
    const loc = segs.map((s) => (s.kind === 'key' ? s.key : s.kind === 'index' ? s.index : '*'));
    const m = new NoiseMatcher(unknown);
    for (let len = 1; len <= loc.length; len++) if (m.covers(loc, len)) return true;
    return false;
  } catch {
    return true;
  }
}

export function checkSymptom(s: Symptom, observations: readonly Observation[]): SymptomResult {
  const mine = observations.filter((o) => targets(s, o));
  const base = { name: s.name, request: s.request };
  if (mine.length === 0) return { ...base, outcome: 'not-exercised', requests: 0, shown: 0 };
  let shown = 0;
  let unknown = 0;
  let example: string | undefined;
  let firstSeen: string | undefined;
  for (const o of mine) {
    const r = shows(s, o);
    firstSeen ??= `${requestLabel(o.method, o.url)}: ${r.what}`;
    if (r.shown === true) {
      shown++;
      example ??= `${requestLabel(o.method, o.url)}: ${r.what}`;
    } else if (r.shown === undefined) unknown++;
  }
  const outcome: SymptomOutcome = shown > 0 ? 'shown' : unknown > 0 ? 'unknown' : 'not-shown';
  return { ...base, outcome, requests: mine.length, shown, ...(example ?? firstSeen ? { example: example ?? firstSeen } : {}) };
}

export function judgeSymptoms(symptoms: readonly Symptom[] | undefined, observations: readonly Observation[] | undefined, recordEvent?: number): Evidence<SymptomsDetails> | undefined {
  if (!symptoms || symptoms.length === 0) return undefined;
  const base = { kind: 'symptoms' as const, ...(recordEvent !== undefined ? { recordEvents: [recordEvent] } : {}) };
  if (!observations || observations.length === 0) {
    return {
      ...base,
      verdict: 'missing',
      explanation: `The bundle names ${plural(symptoms.length, 'symptom')}; they are looked for in a replay's responses, and none has run yet.`,
      details: { symptoms: symptoms.map((s) => ({ name: s.name, request: s.request, outcome: 'not-exercised' as const, requests: 0, shown: 0 })) },
    };
  }
  const results = symptoms.map((s) => checkSymptom(s, observations));
  const count = (o: SymptomOutcome) => results.filter((r) => r.outcome === o).length;
  const shownN = count('shown');
  const notShown = results.filter((r) => r.outcome === 'not-shown');
  const quote = (r: SymptomResult) => `“${r.name}”`;
  const details = { symptoms: results };
  if (shownN === results.length) {
    const r = results[0]!;
    const explanation =
      results.length === 1
        ? `The incident's symptom ${quote(r)} shows again: ${r.shown} of ${plural(r.requests, 'request')} (${r.example}).`
        : `${results.length === 2 ? 'Both' : `All ${results.length}`} of the incident's symptoms show again: ${results.map((x) => `${quote(x)} on ${x.shown} of ${plural(x.requests, 'request')}`).join('; ')}.`;
    return { ...base, verdict: 'reproduced', explanation, details };
  }
  if (notShown.length === results.length) {
    const r = notShown[0]!;
    const explanation =
      results.length === 1
        ? `The incident's symptom ${quote(r)} does not show: none of ${plural(r.requests, 'request')} for ${r.request} met it (${r.example}).`
        : `None of the incident's ${results.length} symptoms shows (first: ${quote(r)}, ${r.example}).`;
    return { ...base, verdict: 'not-reproduced', explanation, details };
  }
  const parts = results.map((r) =>
    r.outcome === 'shown'
      ? `${quote(r)} shows`
      : r.outcome === 'not-shown'
        ? `${quote(r)} does not (${r.example})`
        : r.outcome === 'not-exercised'
          ? `${quote(r)} was not exercised (no replayed request is ${r.request})`
          : `${quote(r)} cannot be told (its response body is not known)`,
  );
  return { ...base, verdict: 'inconclusive', explanation: `Of the incident's ${plural(results.length, 'symptom')}: ${parts.join('; ')}.`, details };
}
