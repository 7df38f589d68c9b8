import { evaluateExpectations, type ExpectationResult, type StepOutcomeSubject } from './expect';
import type { RunbookStep, StepKind } from './parse';

/** What executing one sh/http/replay step produced (the runner fills it in). */
export interface StepOutcome {
  exitCode: number;
  output: string;
  /** http: response status */
  status?: number;
  /** replay: the report, so expectations can use json paths without re-parsing */
  json?: unknown;
  /** Set when the step could not run at all (no container, connection refused...). */
  error?: string;
}

export interface StepRunResult {
  index: number;
  kind: StepKind;
  service?: string;
  /** sh: the command's exit code; http: 0 when a response came back; replay: 0 when every exchange matched; expect: 0 when every assertion held. */
  exitCode: number;
  output: string;
  status?: number;
  expectation?: ExpectationResult;
  error?: string;
  ok: boolean;
  startedAt: number;
  durationMs: number;
}

export interface RunAllResult {
  steps: StepRunResult[];
  ok: boolean;
  /** Index of the step that failed and stopped the run. */
  stoppedAt?: number;
  /** The run was stopped by its caller (the step at stoppedAt was interrupted or never ran). */
  cancelled?: boolean;
}

export interface RunStepsOptions {
  execute: (step: Exclude<RunbookStep, { kind: 'expect' }>) => Promise<StepOutcome>;
  /** Outcome an `expect` at the start of the range checks (e.g. the last recorded run of the step before it). */
  previous?: { kind: Exclude<StepKind, 'expect'>; outcome: StepOutcome };
  onStepStart?: (step: RunbookStep) => void;
  onStepDone?: (result: StepRunResult, step: RunbookStep) => void;
  signal?: AbortSignal;
  now?: () => number;
  /** Run only steps with from <= index < to. */
  from?: number;
  to?: number;
}

export function serviceOf(step: RunbookStep): string | undefined {
  if (step.kind === 'sh') return step.service || undefined;
  if (step.kind === 'http') return step.request?.service;
  return undefined;
}

/**
 * A step followed by `expect` blocks is judged by them (so a command expected to exit 1 may);
 * a step without one must succeed on its own terms: sh exits 0, http gets a response, replay
 * matches every exchange.
 */
export function hasExpectation(steps: readonly RunbookStep[], index: number): boolean {
  return steps[index + 1]?.kind === 'expect';
}

export function subjectOf(kind: Exclude<StepKind, 'expect'>, outcome: StepOutcome): StepOutcomeSubject {
  return {
    kind,
    exitCode: outcome.exitCode,
    output: outcome.output,
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    ...(outcome.json !== undefined ? { json: outcome.json } : {}),
  };
}

/** Runs steps in order and stops at the first failure: a failed expectation, a step that could not run, or an unjudged step that failed. */
export async function runSteps(steps: readonly RunbookStep[], opts: RunStepsOptions): Promise<RunAllResult> {
  const now = opts.now ?? Date.now;
  const from = opts.from ?? 0;
  const to = Math.min(opts.to ?? steps.length, steps.length);
  const results: StepRunResult[] = [];
  let previous = opts.previous;
  for (let i = from; i < to; i++) {
    const step = steps[i]!;
    if (opts.signal?.aborted) {
      return { steps: results, ok: false, stoppedAt: i, cancelled: true };
    }
    opts.onStepStart?.(step);
    const startedAt = now();
    const service = serviceOf(step);
    let result: StepRunResult;
    if (step.problem) {
      result = { index: i, kind: step.kind, ...(service ? { service } : {}), exitCode: 2, output: '', error: step.problem, ok: false, startedAt, durationMs: 0 };
    } else if (step.kind === 'expect') {
      if (!previous) {
        result = { index: i, kind: 'expect', exitCode: 1, output: '', error: `step ${i + 1}: no earlier step has run for this expectation to check`, ok: false, startedAt, durationMs: 0 };
      } else {
        const expectation = evaluateExpectations(step.assertions, subjectOf(previous.kind, previous.outcome));
        result = {
          index: i,
          kind: 'expect',
          exitCode: expectation.ok ? 0 : 1,
          output: expectation.results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.assertion} — ${r.message}`).join('\n'),
          expectation,
          ok: expectation.ok,
          startedAt,
          durationMs: now() - startedAt,
        };
      }
    } else {
      let outcome: StepOutcome;
      try {
        outcome = await opts.execute(step);
      } catch (e) {
        outcome = { exitCode: 1, output: '', error: (e as Error).message ?? String(e) };
      }
      previous = { kind: step.kind, outcome };
      const judgedLater = hasExpectation(steps, i);
      const ok = !outcome.error && (judgedLater || outcome.exitCode === 0);
      result = {
        index: i,
        kind: step.kind,
        ...(service ? { service } : {}),
        exitCode: outcome.exitCode,
        output: outcome.output,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        ok,
        startedAt,
        durationMs: now() - startedAt,
      };
    }
    results.push(result);
    opts.onStepDone?.(result, step);
    if (opts.signal?.aborted) return { steps: results, ok: false, stoppedAt: i, cancelled: true };
    if (!result.ok) return { steps: results, ok: false, stoppedAt: i };
  }
  return { steps: results, ok: true };
}
