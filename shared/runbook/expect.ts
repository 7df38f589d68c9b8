import { jsonEqual } from '../replay/json-diff';
import { parseJsonPath, queryJsonPath, type PathSegment } from './json-path';

/**
 * `expect` blocks hold one assertion a line about the previous step's outcome:
 *   status 200 | status 2xx      HTTP status (for an sh step: its exit code)
 *   exit 0                       exit code
 *   contains "text" | not contains "text"   (unquoted text to the end of the line works too)
 *   regex /pattern/flags | not regex /pattern/
 *   json $.path == VALUE | json $.path != VALUE | json $.path exists
 * VALUE is a JSON literal; a bare word without quotes is taken as a string.
 * Blank lines and lines starting with "#" are ignored.
 */
export type Assertion =
  | { kind: 'status'; text: string; line: number; code?: number; klass?: number }
  | { kind: 'exit'; text: string; line: number; code: number }
  | { kind: 'contains'; text: string; line: number; needle: string; negate: boolean }
  | { kind: 'regex'; text: string; line: number; source: string; flags: string; negate: boolean }
  | { kind: 'json'; text: string; line: number; path: string; segments: PathSegment[]; op: '==' | '!=' | 'exists'; value?: unknown };

export type ExpectParseResult = { ok: true; assertions: Assertion[] } | { ok: false; message: string; line: number };

/** What an expectation looks at: the outcome of the step before it. */
export interface StepOutcomeSubject {
  kind: 'sh' | 'http' | 'replay';
  exitCode: number;
  /** sh: combined stdout+stderr; http: response body; replay: the report as JSON text. */
  output: string;
  /** http only */
  status?: number;
  /** When the outcome is JSON already (replay report), so `json` need not re-parse. */
  json?: unknown;
}

export interface AssertionResult {
  assertion: string;
  line: number;
  ok: boolean;
  message: string;
}

export interface ExpectationResult {
  ok: boolean;
  results: AssertionResult[];
}

export function parseExpectations(text: string): ExpectParseResult {
  const assertions: Assertion[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.trim();
    const line = n + 1;
    if (raw === '' || raw.startsWith('#')) continue;
    const parsed = parseAssertion(raw, line);
    if ('message' in parsed) return { ok: false, message: parsed.message, line };
    assertions.push(parsed);
  }
  if (assertions.length === 0) return { ok: false, message: 'the expect step has no assertion', line: 1 };
  return { ok: true, assertions };
}

function parseAssertion(text: string, line: number): Assertion | { message: string } {
  let m: RegExpExecArray | null;
  if ((m = /^status\s+(?:==\s*)?(\d{1,3}|[1-5]xx)$/i.exec(text))) {
    const v = m[1]!.toLowerCase();
    return v.endsWith('xx') ? { kind: 'status', text, line, klass: Number(v[0]) } : { kind: 'status', text, line, code: Number(v) };
  }
  if ((m = /^(?:exit|exit-code|exitCode)\s+(?:==\s*)?(\d{1,3})$/.exec(text))) return { kind: 'exit', text, line, code: Number(m[1]) };
  if ((m = /^(not\s+)?contains\s+(.+)$/.exec(text))) {
    const arg = m[2]!.trim();
    let needle = arg;
    if (arg.startsWith('"')) {
      try {
        needle = JSON.parse(arg) as string;
      } catch {
        return { message: `line ${line}: bad quoted text ${arg} (use JSON string escapes)` };
      }
      if (typeof needle !== 'string') return { message: `line ${line}: contains needs a string` };
    }
    return { kind: 'contains', text, line, needle, negate: Boolean(m[1]) };
  }
  if ((m = /^(not\s+)?(?:regex|matches)\s+\/(.*)\/([a-z]*)$/.exec(text))) {
    const [, not, source, flags] = m;
    if (/[^imsu]/.test(flags!)) return { message: `line ${line}: regex flags may be i, m, s, u; got "${flags}"` };
    try {
      new RegExp(source!, flags);
    } catch (e) {
      return { message: `line ${line}: bad regex /${source}/: ${(e as Error).message}` };
    }
    return { kind: 'regex', text, line, source: source!, flags: flags!, negate: Boolean(not) };
  }
  if ((m = /^json\s+(\$\S*)\s+exists$/.exec(text))) {
    const segments = tryPath(m[1]!);
    if ('message' in segments) return { message: `line ${line}: ${segments.message}` };
    return { kind: 'json', text, line, path: m[1]!, segments: segments.value, op: 'exists' };
  }
  if ((m = /^json\s+(\$\S*)\s*(==|!=)\s*(.+)$/.exec(text))) {
    const segments = tryPath(m[1]!);
    if ('message' in segments) return { message: `line ${line}: ${segments.message}` };
    const literal = m[3]!.trim();
    let value: unknown;
    try {
      value = JSON.parse(literal);
    } catch {
      if (/^[^\s"'[\]{},]+$/.test(literal)) value = literal;
      else return { message: `line ${line}: ${literal} is not a JSON value` };
    }
    return { kind: 'json', text, line, path: m[1]!, segments: segments.value, op: m[2] as '==' | '!=', value };
  }
  return { message: `line ${line}: "${text}" is not an assertion (status, exit, contains, regex, json)` };
}

function tryPath(path: string): { value: PathSegment[] } | { message: string } {
  try {
    return { value: parseJsonPath(path) };
  } catch (e) {
    return { message: (e as Error).message };
  }
}

export function evaluateExpectations(assertions: Assertion[], subject: StepOutcomeSubject): ExpectationResult {
  let json: { value: unknown } | { error: string } | undefined;
  const getJson = () => {
    if (json) return json;
    if (subject.json !== undefined) json = { value: subject.json };
    else {
      try {
        json = { value: JSON.parse(subject.output) };
      } catch (e) {
        json = { error: `the output is not JSON (${(e as Error).message})` };
      }
    }
    return json;
  };
  const results = assertions.map((a): AssertionResult => {
    const r = (ok: boolean, message: string): AssertionResult => ({ assertion: a.text, line: a.line, ok, message });
    switch (a.kind) {
      case 'status': {
        const actual = subject.kind === 'http' ? subject.status : subject.kind === 'sh' ? subject.exitCode : undefined;
        if (actual === undefined) return r(false, `a ${subject.kind} step has no status`);
        const ok = a.code !== undefined ? actual === a.code : Math.floor(actual / 100) === a.klass;
        return r(ok, ok ? `status ${actual}` : `expected status ${a.code ?? `${a.klass}xx`}, got ${actual}`);
      }
      case 'exit': {
        const ok = subject.exitCode === a.code;
        return r(ok, ok ? `exit code ${subject.exitCode}` : `expected exit code ${a.code}, got ${subject.exitCode}`);
      }
      case 'contains': {
        const found = subject.output.includes(a.needle);
        const ok = found !== a.negate;
        return r(ok, ok ? `${a.negate ? 'does not contain' : 'contains'} ${JSON.stringify(a.needle)}` : `output ${found ? 'contains' : 'does not contain'} ${JSON.stringify(a.needle)}`);
      }
      case 'regex': {
        const match = new RegExp(a.source, a.flags).exec(subject.output);
        const ok = Boolean(match) !== a.negate;
        return r(ok, match ? `matched ${JSON.stringify(match[0].slice(0, 200))}` : `no match for /${a.source}/${a.flags}`);
      }
      case 'json': {
        const doc = getJson();
        if ('error' in doc) return r(false, doc.error);
        const matches = queryJsonPath(doc.value, a.segments);
        if (a.op === 'exists') return r(matches.length > 0, matches.length > 0 ? `${a.path} exists` : `${a.path} matched nothing`);
        if (matches.length !== 1) return r(false, `${a.path} matched ${matches.length} values; equality needs exactly one`);
        const equal = jsonEqual(matches[0], a.value);
        const ok = a.op === '==' ? equal : !equal;
        return r(ok, `${a.path} is ${truncate(JSON.stringify(matches[0]))}`);
      }
    }
  });
  return { ok: results.every((x) => x.ok), results };
}

function truncate(s: string | undefined, n = 200): string {
  if (s === undefined) return 'undefined';
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
