/**
 * Scenario text (YAML or JSON: JSON is YAML) -> a typed scenario, or every problem with its
 * path and place in the text. Pure: the CLI (`repro gameday validate`), the runner and the
 * editor's markers as you type all use this one function, so they agree word for word.
 */
import { isMap, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from '../zod';
import { valueAt } from '../bundle/validate';
import { parseJsonPath } from '../runbook/json-path';
import { durationMs, FAULT_CATALOG, GAMEDAY_SCHEMA_ID, SCENARIO_DEFAULTS, scenarioSchema, type Scenario, type ScenarioStep } from './scenario';

export interface ScenarioProblem {
  /** Where in the document: `steps[1].params.latencyMs`, or '' for the whole document. */
  path: string;
  message: string;
  /** 1-based position of the offending node in the text, when known. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export type ScenarioParseResult = { ok: true; scenario: Scenario; problems: [] } | { ok: false; scenario?: undefined; problems: ScenarioProblem[] };

/** Text larger than this is refused before parsing (a scenario is a page, not a data set). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$-]*$/.test(String(k)) ? `${out ? '.' : ''}${String(k)}` : `[${JSON.stringify(String(k))}]`;
  return out;
}

class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The node at a path (or the key of the last segment, for unknown keys). */
  at(path: readonly PropertyKey[], key?: string): Pick<ScenarioProblem, 'line' | 'column' | 'endLine' | 'endColumn'> {
    let range: [number, number, number?] | null | undefined;
    try {
      if (key !== undefined) {
        const parent = this.doc.getIn(path as unknown[], true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          range = (pair?.key as YamlNode | undefined)?.range;
        }
      }
      // Walk up until a node exists (a missing field points at its parent).
      for (let n = path.length; !range && n >= 0; n--) {
        const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n) as unknown[], true);
        range = (node as YamlNode | null | undefined)?.range;
      }
    } catch {
      range = undefined;
    }
    if (!range) return {};
    const start = this.lines.linePos(range[0]);
    const end = this.lines.linePos(Math.max(range[0], range[1]));
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  }
}

export function parseScenarioText(text: string): ScenarioParseResult {
  if (text.length > MAX_SCENARIO_BYTES) return { ok: false, problems: [{ path: '', message: `the scenario is larger than ${MAX_SCENARIO_BYTES} bytes` }] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const start = lines.linePos(e.pos[0]);
        const end = lines.linePos(e.pos[1]);
        return { path: '', message: `not valid YAML or JSON: ${e.message.split('\n')[0]}`, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `cannot read the document: ${(err as Error).message}` }] };
  }
  const where = new Locator(doc, lines);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: issuesToProblems(parsed.error.issues, data, where) };
  const semantic = checkScenario(parsed.data).map((p) => ({ ...p, ...where.at(p.pathParts) }));
  if (semantic.length > 0) return { ok: false, problems: semantic.map(({ pathParts: _, ...p }) => p) };
  return { ok: true, scenario: parsed.data, problems: [] };
}

type Issue = z.core.$ZodIssue;

function issuesToProblems(issues: readonly Issue[], data: unknown, where: Locator, base: readonly PropertyKey[] = []): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...path, key]), message: `unknown key "${key}" (${GAMEDAY_SCHEMA_ID} has no such field)`, ...where.at(path, key) });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The alternative the author most likely meant: the one with the fewest complaints.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      out.push(...issuesToProblems(best, data, where, path));
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'fault') {
      message = `unknown fault; expected one of ${Object.keys(FAULT_CATALOG).join(', ')}`;
    } else if (issue.code === 'invalid_value' && path.at(-1) === 'schema') {
      message = `expected "${GAMEDAY_SCHEMA_ID}"`;
    } else if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) {
      // A missing field: point at the start of the object that lacks it, not the whole object.
      const at = where.at(path);
      out.push({ path: formatPath(path), message: `required (${issue.expected})`, ...(at.line !== undefined ? { line: at.line, column: at.column, endLine: at.line, endColumn: (at.column ?? 1) + 1 } : {}) });
      continue;
    }
    out.push({ path: formatPath(path), message, ...where.at(path) });
  }
  return out;
}


/** A step's window on the method's clock. Faults without a duration (restart) take no time. */
export interface StepWindow {
  step: ScenarioStep;
  index: number;
  startMs: number;
  endMs: number;
}

export function stepWindows(scenario: Scenario): StepWindow[] {
  return scenario.steps.map((step, index) => {
    const startMs = durationMs(step.at);
    return { step, index, startMs, endMs: startMs + (step.duration ? durationMs(step.duration) : 0) };
  });
}

/** The method ends when the last fault's window ends. */
export function methodDurationMs(scenario: Scenario): number {
  return Math.max(0, ...stepWindows(scenario).map((w) => w.endMs));
}

export function maxDurationMs(scenario: Scenario): number {
  return (scenario.limits?.maxDurationS ?? SCENARIO_DEFAULTS.maxDurationS) * 1000;
}

const STOPS = new Set(['kill', 'stop', 'restart']);
const LIMITS = new Set(['cpu', 'memory']);

/** Rules across fields: unique names, references, time limit, overlapping faults on one target. */
export function checkScenario(s: Scenario): Array<Omit<ScenarioProblem, 'path'> & { path: string; pathParts: PropertyKey[] }> {
  const out: Array<{ path: string; pathParts: PropertyKey[]; message: string }> = [];
  const add = (parts: PropertyKey[], message: string) => out.push({ path: formatPath(parts), pathParts: parts, message });

  const probeNames = new Map<string, number>();
  s.hypothesis.probes.forEach((p, i) => {
    if (probeNames.has(p.name)) add(['hypothesis', 'probes', i, 'name'], `probe name "${p.name}" is also used by hypothesis.probes[${probeNames.get(p.name)}]`);
    else probeNames.set(p.name, i);
    for (const path of Object.keys(p.expect?.json ?? {})) {
      try {
        parseJsonPath(path);
      } catch (err) {
        add(['hypothesis', 'probes', i, 'expect', 'json', path], (err as Error).message);
      }
    }
  });
  (s.stopConditions ?? []).forEach((c, i) => {
    if ('probe' in c && !probeNames.has(c.probe)) add(['stopConditions', i, 'probe'], `no probe named "${c.probe}" in hypothesis.probes`);
  });

  const ids = new Map<string, number>();
  const windows = stepWindows(s);
  const limit = maxDurationMs(s);
  for (const w of windows) {
    const { step, index } = w;
    if (ids.has(step.id)) add(['steps', index, 'id'], `step id "${step.id}" is also used by steps[${ids.get(step.id)}]`);
    else ids.set(step.id, index);
    if (step.fault !== 'restart' && step.duration !== undefined && durationMs(step.duration) === 0) add(['steps', index, 'duration'], 'a fault needs a duration longer than 0');
    if (w.endMs > limit) add(['steps', index, step.duration ? 'duration' : 'at'], `the fault ends at ${w.endMs / 1000}s, after limits.maxDurationS (${limit / 1000}s)`);
  }
  // Two faults of one kind of effect on one target at once cannot be reverted independently
  // (which "previous limit" would the second revert restore?), so they are refused.
  for (const a of windows) {
    for (const b of windows) {
      if (b.index <= a.index) continue;
      const sameTarget = a.step.target === b.step.target;
      const sameConflict = FAULT_CATALOG[a.step.fault].conflict === FAULT_CATALOG[b.step.fault].conflict;
      const overlap = b.startMs < Math.max(a.endMs, a.startMs + 1) && a.startMs < Math.max(b.endMs, b.startMs + 1);
      if (sameTarget && sameConflict && overlap) {
        add(['steps', b.index], `overlaps steps[${a.index}] ("${a.step.id}", ${a.step.fault}) on the same target ${a.step.target}; one ${FAULT_CATALOG[b.step.fault].conflict} fault per target at a time`);
      } else if (sameTarget && overlap && (STOPS.has(a.step.fault) || STOPS.has(b.step.fault)) && (LIMITS.has(a.step.fault) || LIMITS.has(b.step.fault))) {
        // the engine cannot change (or restore) the limits of a stopped container
        add(['steps', b.index], `overlaps steps[${a.index}] ("${a.step.id}", ${a.step.fault}) on ${a.step.target}: a stopped container's CPU and memory limits cannot be changed or restored`);
      }
    }
  }
  return out;
}

/** Problems as `path: reason (line L, column C)` lines, for the CLI. */
export function formatProblem(p: ScenarioProblem, file?: string): string {
  const at = p.line !== undefined ? `${file ? `${file}:` : ''}${p.line}:${p.column}: ` : file ? `${file}: ` : '';
  return `${at}${p.path ? `${p.path}: ` : ''}${p.message}`;
}
