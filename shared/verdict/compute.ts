/**
 * Everything the verdict is computed from, judged kind by kind and decided in one place. Pure:
 * the backend gathers the inputs (electron/services/verdict/), tests hand them in directly.
 */
import type { Symptom } from '../bundle/symptoms';
import type { TraceSet } from '../traces/model';
import { decideVerdict, missingKinds } from './decide';
import { judgeLogs, type LogComparisonInput } from './logs';
import { judgeMetrics, type IncidentMetric, type ReproMeasurements } from './metrics';
import { judgeReplay, type ReplayInput } from './replay';
import { judgeRunbook, type StepRunEvent } from './runbook';
import { judgeSymptoms, type Observation } from './symptoms';
import { judgeTraces } from './traces';
import type { Evidence, EvidenceKind, VerdictDecision } from './types';

export interface VerdictInputs {
  /** `incident.symptoms` of the bundle. */
  symptoms?: readonly Symptom[];
  /** The latest replay, its record event and what each of its requests got (for symptoms). */
  replay?: { report: ReplayInput; recordEvent?: number; observations?: readonly Observation[] };
  /** The bundle's canary metrics (canary and baseline values), absent when it has none. */
  metrics?: readonly IncidentMetric[];
  measurements: ReproMeasurements;
  traces: { incident?: TraceSet; repro?: TraceSet; incidentNote?: string; reproNote?: string };
  logs: { comparison?: LogComparisonInput; recordEvent?: number; bundleHasLogs?: boolean };
  steps: readonly StepRunEvent[];
}

export interface ComputedVerdict extends VerdictDecision {
  evidence: Evidence[];
  missing: EvidenceKind[];
}

export function computeVerdict(inputs: VerdictInputs): ComputedVerdict {
  const replayEvent = inputs.replay?.recordEvent;
  const symptoms = judgeSymptoms(inputs.symptoms, inputs.replay ? (inputs.replay.observations ?? []) : undefined, replayEvent);
  const evidence: Evidence[] = [
    ...(symptoms ? [symptoms] : []),
    judgeReplay(inputs.replay?.report, replayEvent),
    judgeMetrics(inputs.metrics, inputs.measurements, replayEvent !== undefined ? [replayEvent] : undefined),
    judgeTraces(inputs.traces.incident, inputs.traces.repro, {
      ...(inputs.traces.incidentNote ? { incidentNote: inputs.traces.incidentNote } : {}),
      ...(inputs.traces.reproNote ? { reproNote: inputs.traces.reproNote } : {}),
    }),
    judgeLogs(inputs.logs.comparison, {
      ...(inputs.logs.recordEvent !== undefined ? { recordEvent: inputs.logs.recordEvent } : {}),
      ...(inputs.logs.bundleHasLogs !== undefined ? { bundleHasLogs: inputs.logs.bundleHasLogs } : {}),
    }),
    judgeRunbook(inputs.steps),
  ];
  return { ...decideVerdict(evidence), evidence, missing: missingKinds(evidence) };
}
