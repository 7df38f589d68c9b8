/**
 * One recorded response against one replayed response: status, content-type, body. JSON bodies
 * are compared as data with noise paths ignored, other bodies as bytes. Latency is measured and
 * reported but never decides the outcome (a slow repro is a finding, not a mismatch).
 */
import { createTwoFilesPatch } from 'diff';
import { bytesEqual, firstDifference, toHex, tryStrictUtf8 } from './bytes';
import { isTextualMime } from './body';
import { canonicalJsonText, diffJson, jsonEqualIgnoringNoise, type JsonDifference } from './json-diff';
import { NoiseMatcher } from './jsonpath';

export interface ComparableResponse {
  status: number;
  contentType: string | undefined;
  /** Body after content-encoding was undone. */
  body: Uint8Array;
  /**
   * The recording holds no body (a browser did not keep it): only status and content-type are
   * compared, and content-type only when the recording says what it was.
   */
  bodyNotRecorded?: boolean;
}

export interface NoiseRules {
  jsonPaths: readonly string[];
  /** Header names to ignore; only content-type is compared, so only it matters here. */
  headers: readonly string[];
}

export type BodyKind = 'empty' | 'json' | 'text' | 'binary' | 'not-recorded';

export interface Comparison {
  outcome: 'matched' | 'mismatched';
  statusMatches: boolean;
  contentTypeMatches: boolean;
  bodyMatches: boolean;
  bodyKind: BodyKind;
  differences: JsonDifference[];
  differenceCount: number;
  /** Readable diff (status, content-type, then a unified body diff); only when mismatched. */
  diff?: string;
  /** What the diff editor shows side by side (JSON canonical with noise masked). */
  recordedText?: string;
  replayedText?: string;
}

// A replay sees a handful of distinct content-types, each thousands of times.
const normalizedTypes = new Map<string, string | undefined>();

/** `application/json; charset=UTF-8` and `application/json;charset=utf-8` are the same type. */
export function normalizeContentType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const known = normalizedTypes.get(value);
  if (known !== undefined || normalizedTypes.has(value)) return known;
  const norm = normalizeContentTypeUncached(value);
  if (normalizedTypes.size < 256) normalizedTypes.set(value, norm);
  return norm;
}

function normalizeContentTypeUncached(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const [type, ...params] = value.split(';');
  const norm = params
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p.toLowerCase();
      const k = p.slice(0, eq).trim().toLowerCase();
      let v = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (k === 'charset') v = v.toLowerCase();
      return `${k}=${v}`;
    })
    .sort();
  return [type!.trim().toLowerCase(), ...norm].join('; ');
}

export function isJsonMime(ct: string | undefined): boolean {
  return !!ct && /^application\/(json|[\w.+-]*\+json)\b/i.test(ct.trim());
}

const MAX_DIFF_CHARS = 20_000;
const MAX_SIDE_CHARS = 256 * 1024;

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  const text = tryStrictUtf8(bytes);
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

function describeBinary(a: Uint8Array, b: Uint8Array): string {
  const at = firstDifference(a, b);
  const around = (x: Uint8Array) => toHex(x.subarray(Math.max(0, at - 8), at + 24));
  return `binary bodies differ: recorded ${a.length} bytes, replayed ${b.length} bytes; first difference at byte ${at}\n  recorded …${around(a)}…\n  replayed …${around(b)}…`;
}

/** Noise rules parsed once for a whole replay (parsing per response would dominate at max rate). */
export interface CompiledNoise {
  matcher: NoiseMatcher;
  ignoredHeaders: Set<string>;
}

export function compileNoise(rules: NoiseRules): CompiledNoise {
  return { matcher: new NoiseMatcher(rules.jsonPaths), ignoredHeaders: new Set(rules.headers.map((h) => h.toLowerCase())) };
}

export function compareResponses(recorded: ComparableResponse, replayed: ComparableResponse, rules: NoiseRules | CompiledNoise): Comparison {
  const { matcher, ignoredHeaders } = 'matcher' in rules ? rules : compileNoise(rules);
  const statusMatches = recorded.status === replayed.status;
  // 204/304 (and HEAD-like empties) carry no content: their content-type and body say nothing.
  const noContent = recorded.status === 204 || recorded.status === 304;
  const unknownType = recorded.bodyNotRecorded === true && recorded.contentType === undefined;
  const contentTypeMatches =
    noContent || unknownType || ignoredHeaders.has('content-type') || normalizeContentType(recorded.contentType) === normalizeContentType(replayed.contentType);

  let bodyKind: BodyKind;
  let bodyMatches: boolean;
  let differences: JsonDifference[] = [];
  let differenceCount = 0;
  let recordedText: string | undefined;
  let replayedText: string | undefined;
  let bodyDiff = '';

  const recJson = !noContent && !recorded.bodyNotRecorded && isJsonMime(recorded.contentType) ? parseJson(recorded.body) : { ok: false as const };
  if (noContent) {
    bodyKind = 'empty';
    bodyMatches = true;
  } else if (recorded.bodyNotRecorded) {
    bodyKind = 'not-recorded';
    bodyMatches = true;
    recordedText = '(the recording holds no body for this answer)';
    replayedText = tryStrictUtf8(replayed.body) ?? `(${replayed.body.length} bytes of binary)`;
  } else if (recJson.ok) {
    bodyKind = 'json';
    // Same bytes, same data: skip parsing. Otherwise the allocation-free equality walk settles
    // the common case (a faithful replay) and the full diff runs only when it says "not equal".
    const repJson = bytesEqual(recorded.body, replayed.body) ? recJson : parseJson(replayed.body);
    if (repJson.ok) {
      if (repJson === recJson || jsonEqualIgnoringNoise(recJson.value, repJson.value, matcher)) bodyMatches = true;
      else {
        const d = diffJson(recJson.value, repJson.value, matcher);
        differences = d.differences;
        differenceCount = d.total;
        bodyMatches = d.total === 0;
      }
      // The side-by-side texts are only for showing a mismatch; building them costs more than the diff.
      if (!bodyMatches || !statusMatches || !contentTypeMatches) {
        recordedText = canonicalJsonText(recJson.value, matcher);
        replayedText = canonicalJsonText(repJson.value, matcher);
      }
    } else {
      recordedText = canonicalJsonText(recJson.value, matcher);
      bodyMatches = false;
      differenceCount = 1;
      replayedText = tryStrictUtf8(replayed.body) ?? `(${replayed.body.length} bytes of binary)`;
      differences = [{ path: '$', kind: 'type', recorded: 'JSON', replayed: 'not JSON' }];
    }
  } else {
    bodyMatches = bytesEqual(recorded.body, replayed.body);
    const recText = tryStrictUtf8(recorded.body);
    const repText = tryStrictUtf8(replayed.body);
    if (recorded.body.length === 0 && replayed.body.length === 0) bodyKind = 'empty';
    else if (recText !== undefined && repText !== undefined && isTextualMime(recorded.contentType)) {
      bodyKind = 'text';
      recordedText = recText;
      replayedText = repText;
    } else {
      bodyKind = 'binary';
      if (!bodyMatches) bodyDiff = describeBinary(recorded.body, replayed.body);
    }
  }

  const outcome = statusMatches && contentTypeMatches && bodyMatches ? 'matched' : 'mismatched';
  const result: Comparison = { outcome, statusMatches, contentTypeMatches, bodyMatches, bodyKind, differences, differenceCount };
  if (outcome === 'mismatched') {
    const lines: string[] = [];
    if (!statusMatches) lines.push(`status: recorded ${recorded.status}, replayed ${replayed.status}`);
    if (!contentTypeMatches) lines.push(`content-type: recorded ${recorded.contentType ?? '(none)'}, replayed ${replayed.contentType ?? '(none)'}`);
    if (!bodyMatches) {
      if (bodyKind === 'json' && differenceCount > 0) {
        lines.push(`body: ${differenceCount} JSON difference${differenceCount === 1 ? '' : 's'}`);
        for (const d of differences.slice(0, 20)) lines.push(`  ${d.path}: ${describeDifference(d)}`);
        if (differenceCount > 20) lines.push(`  … ${differenceCount - 20} more`);
      }
      if (bodyDiff) lines.push(bodyDiff);
      else if (recordedText !== undefined && replayedText !== undefined) {
        lines.push(createTwoFilesPatch('recorded', 'replayed', withNewline(recordedText), withNewline(replayedText), undefined, undefined, { context: 3 }).replace(/^=+\n/m, '').trimEnd());
      }
    }
    result.diff = cap(lines.join('\n'), MAX_DIFF_CHARS);
  }
  if (recordedText !== undefined) result.recordedText = cap(recordedText, MAX_SIDE_CHARS);
  if (replayedText !== undefined) result.replayedText = cap(replayedText, MAX_SIDE_CHARS);
  return result;
}

// Without a final newline on both sides jsdiff adds "\ No newline at end of file" noise.
const withNewline = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

function describeDifference(d: JsonDifference): string {
  switch (d.kind) {
    case 'changed':
      return `${show(d.recorded)} → ${show(d.replayed)}`;
    case 'type':
      return `type changed: ${show(d.recorded)} → ${show(d.replayed)}`;
    case 'removed':
      return `missing in replay (recorded ${show(d.recorded)})`;
    case 'added':
      return `only in replay: ${show(d.replayed)}`;
  }
}
