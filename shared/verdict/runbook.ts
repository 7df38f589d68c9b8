/**
 * Runbook evidence: the runbook's `expect` steps say what the incident looks like; which of them
 * passed in this session (the latest run of each step counts: a runbook is run again after a fix).
 *   reproduced      every expect step run passed;
 *   not-reproduced  none passed;
 *   inconclusive    some passed and some failed.
 */
import { plural, type Evidence } from './types';

/** A recorded step run (a `step` record event). */
export interface StepRunEvent {
  id: number;
  at: number;
  data: unknown;
}

interface StepData {
  index?: number;
  kind?: string;
  text?: string;
  ok?: boolean;
  error?: string;
  expectation?: { ok: boolean; results: Array<{ assertion: string; ok: boolean; message: string }> };
}

export interface ExpectStepResult {
  step: number;
  ok: boolean;
  /** The first failed assertion and why, when it failed. */
  failed?: string;
  recordEvent: number;
}

export interface RunbookDetails {
  expectSteps: ExpectStepResult[];
}

export function judgeRunbook(steps: readonly StepRunEvent[]): Evidence<RunbookDetails> {
  const latest = new Map<string, { e: StepRunEvent; d: StepData }>();
  for (const e of [...steps].sort((a, b) => a.at - b.at || a.id - b.id)) {
    const d = (e.data ?? {}) as StepData;
    if (d.kind !== 'expect') continue;
    latest.set(`${d.index}\u0000${d.text ?? ''}`, { e, d });
  }
  const results: ExpectStepResult[] = [...latest.values()]
    .sort((a, b) => Number(a.d.index ?? 0) - Number(b.d.index ?? 0))
    .map(({ e, d }) => {
      const bad = d.expectation?.results.find((r) => !r.ok);
      return {
        step: Number(d.index ?? 0) + 1,
        ok: d.ok === true,
        ...(d.ok !== true ? { failed: bad ? `${bad.assertion}: ${bad.message}` : (d.error ?? 'failed') } : {}),
        recordEvent: e.id,
      };
    });
  const base = { kind: 'runbook' as const, details: { expectSteps: results }, ...(results.length ? { recordEvents: results.map((r) => r.recordEvent) } : {}) };
  if (results.length === 0) return { ...base, verdict: 'missing', explanation: "No runbook expect step has run in this session yet (Runbook pane, or repro runbook run <bundle> --session <session>)." };
  const passed = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return { ...base, verdict: 'reproduced', explanation: results.length === 1 ? `The runbook's expect step run in this session (step ${results[0]!.step}) passed.` : `All ${results.length} expect steps of the runbook run in this session passed.` };
  const first = `step ${failed[0]!.step}: ${failed[0]!.failed}`;
  if (passed.length === 0) return { ...base, verdict: 'not-reproduced', explanation: `None of the runbook's ${plural(results.length, 'expect step')} run in this session passed (${first}).` };
  return { ...base, verdict: 'inconclusive', explanation: `${passed.length} of the runbook's ${plural(results.length, 'expect step')} run in this session passed; ${first}.` };
}
