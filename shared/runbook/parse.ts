import { Lexer, type Token, type Tokens } from 'marked';
import { parseInfoString } from './info-string';
import { parseHttpRequest, type HttpStepRequest } from './http-request';
import { parseExpectations, type Assertion } from './expect';
import { parseDuration } from '../format/duration';
import { appendAll } from '../array';

export type StepKind = 'sh' | 'http' | 'replay' | 'expect';

/** Lines are 1-based and inclusive; offsets index the text with line endings normalised to "\n". */
export interface SourceRange {
  startLine: number;
  endLine: number;
  start: number;
  end: number;
}

interface StepCommon {
  /** Position among the executable steps, from 0. */
  index: number;
  info: string;
  attrs: Record<string, string>;
  /** The block's content between the fences. */
  body: string;
  /** The whole fenced block, fences included. */
  range: SourceRange;
  /** Why this step cannot run (bad info string, unknown service, malformed request...). */
  problem?: string;
}

export type RunbookStep =
  | (StepCommon & { kind: 'sh'; service: string; timeoutMs?: number })
  | (StepCommon & { kind: 'http'; request?: HttpStepRequest; timeoutMs?: number })
  | (StepCommon & { kind: 'replay'; mode?: string; concurrency?: number })
  | (StepCommon & { kind: 'expect'; assertions: Assertion[] });

export type RunbookBlock = { type: 'prose'; markdown: string; range: SourceRange } | { type: 'step'; step: RunbookStep };

export interface ParsedRunbook {
  /** Prose and steps in document order; prose includes non-executable code blocks. */
  blocks: RunbookBlock[];
  steps: RunbookStep[];
}

const ALLOWED_ATTRS: Record<StepKind, readonly string[]> = {
  sh: ['service', 'timeout'],
  http: ['service', 'timeout'],
  replay: ['mode', 'concurrency'],
  expect: [],
};
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether an info string makes a fenced block executable. A bare ```sh block is a snippet to read. */
function executableKind(info: string): StepKind | null {
  const lang = info.trim().split(/[\s{]/)[0]?.toLowerCase() ?? '';
  if (lang === 'http' || lang === 'replay' || lang === 'expect') return lang;
  if (lang === 'sh' && info.includes('{')) return 'sh';
  return null;
}

export function parseRunbook(markdown: string): ParsedRunbook {
  const text = markdown.replace(/\r\n?/g, '\n');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const rangeOf = (start: number, end: number): SourceRange => ({
    start,
    end,
    startLine: lineOf(start),
    endLine: lineOf(Math.max(start, end - 1)),
  });

  // Locate every fenced code block (including those nested in lists and quotes) in the source.
  const fences: Array<{ token: Tokens.Code; start: number; end: number }> = [];
  const tokens = new Lexer({ gfm: true }).lex(text);
  let offset = 0;
  for (const token of tokens) {
    const start = text.indexOf(token.raw, offset);
    const top = start === -1 ? offset : start;
    collectFences(token, top, top + token.raw.length);
    offset = top + token.raw.length;
  }
  function collectFences(token: Token, start: number, end: number) {
    if (token.type === 'code') {
      const code = token as Tokens.Code;
      if (code.codeBlockStyle === 'indented') return;
      // Nested tokens lose their list indentation or "> " prefixes: find the opening fence line.
      const firstLine = code.raw.split('\n')[0]!.trim();
      const at = text.indexOf(firstLine, start);
      const from = at === -1 || at >= end ? start : lineStarts[lineOf(at) - 1]!;
      const lineCount = code.raw.replace(/\n+$/, '').split('\n').length;
      const lastLineIdx = Math.min(lineOf(from) - 1 + lineCount - 1, lineStarts.length - 1);
      const lastLineEnd = lastLineIdx + 1 < lineStarts.length ? lineStarts[lastLineIdx + 1]! - 1 : text.length;
      fences.push({ token: code, start: from, end: Math.min(end, Math.max(lastLineEnd, from)) });
      return;
    }
    const children: Token[] = [];
    if ('items' in token && Array.isArray(token.items)) appendAll(children, token.items as Token[]);
    if ('tokens' in token && Array.isArray(token.tokens)) appendAll(children, token.tokens as Token[]);
    let cursor = start;
    for (const child of children) {
      collectFences(child, cursor, end);
      const found = text.indexOf(child.raw.split('\n')[0] ?? '', cursor);
      if (found !== -1 && found < end) cursor = found;
    }
  }

  const steps: RunbookStep[] = [];
  const blocks: RunbookBlock[] = [];
  let proseFrom = 0;
  const pushProse = (to: number) => {
    const chunk = text.slice(proseFrom, to);
    if (chunk.trim() !== '') blocks.push({ type: 'prose', markdown: chunk, range: rangeOf(proseFrom, to) });
  };
  for (const fence of fences) {
    const info = fence.token.lang ?? '';
    const kind = executableKind(info);
    if (!kind) continue;
    pushProse(fence.start);
    const step = buildStep(kind, steps.length, info, fence.token.text, rangeOf(fence.start, fence.end));
    steps.push(step);
    blocks.push({ type: 'step', step });
    proseFrom = fence.end;
  }
  pushProse(text.length);
  return { blocks, steps };
}

function buildStep(kind: StepKind, index: number, info: string, body: string, range: SourceRange): RunbookStep {
  const where = `step ${index + 1} (line ${range.startLine})`;
  const parsedInfo = parseInfoString(info);
  const attrs = parsedInfo.ok ? parsedInfo.value.attrs : {};
  let problem: string | undefined = parsedInfo.ok ? undefined : `${where}: ${parsedInfo.message}`;
  const common = { index, info, attrs, body, range };
  const unknown = Object.keys(attrs).filter((k) => !ALLOWED_ATTRS[kind].includes(k));
  if (!problem && unknown.length > 0) {
    problem = `${where}: unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for a ${kind} step (allowed: ${ALLOWED_ATTRS[kind].join(', ') || 'none'})`;
  }
  const timeout = attrs.timeout !== undefined ? parseDurationMs(attrs.timeout) : undefined;
  if (!problem && attrs.timeout !== undefined && timeout === undefined) problem = `${where}: timeout "${attrs.timeout}" must look like 30, 30s, 500ms or 2m`;
  const withProblem = <T extends object>(s: T): T & { problem?: string } => (problem ? { ...s, problem } : s);

  switch (kind) {
    case 'sh': {
      const service = attrs.service ?? '';
      if (!problem && !service) problem = `${where}: an sh step needs {service=NAME}`;
      else if (!problem && !SERVICE_NAME.test(service)) problem = `${where}: "${service}" is not a service name`;
      if (!problem && body.trim() === '') problem = `${where}: the sh step has no command`;
      return withProblem({ ...common, kind, service, ...(timeout !== undefined ? { timeoutMs: timeout } : {}) });
    }
    case 'http': {
      const req = parseHttpRequest(body, attrs);
      if (!problem && !req.ok) problem = `${where}: ${req.message}${req.line ? ` (line ${range.startLine + req.line})` : ''}`;
      return withProblem({ ...common, kind, ...(req.ok ? { request: req.value } : {}), ...(timeout !== undefined ? { timeoutMs: timeout } : {}) });
    }
    case 'replay': {
      let concurrency: number | undefined;
      if (attrs.concurrency !== undefined) {
        concurrency = Number(attrs.concurrency);
        if (!problem && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)) problem = `${where}: concurrency must be a whole number from 1 to 256`;
      }
      return withProblem({ ...common, kind, ...(attrs.mode ? { mode: attrs.mode } : {}), ...(concurrency !== undefined ? { concurrency } : {}) });
    }
    case 'expect': {
      const parsed = parseExpectations(body);
      if (!problem && !parsed.ok) problem = `${where}: ${parsed.message}`;
      return withProblem({ ...common, kind, assertions: parsed.ok ? parsed.assertions : [] });
    }
  }
}

/** A step timeout: `500ms`, `30s`, `2m` (bare numbers are seconds), at most an hour. */
export function parseDurationMs(value: string): number | undefined {
  return parseDuration(value, { maxMs: 3_600_000 });
}

/** Steps naming services the bundle does not have get a problem; returns new step objects. */
export function checkServices(steps: RunbookStep[], serviceNames: readonly string[]): RunbookStep[] {
  const known = new Set(serviceNames);
  return steps.map((s) => {
    if (s.problem) return s;
    const service = s.kind === 'sh' ? s.service : s.kind === 'http' ? s.request?.service : undefined;
    if (service && !known.has(service)) {
      return { ...s, problem: `step ${s.index + 1} (line ${s.range.startLine}): the bundle has no service "${service}" (services: ${[...known].join(', ') || 'none'})` };
    }
    return s;
  });
}
