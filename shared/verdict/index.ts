/** "Did it reproduce?": evidence judges and the one verdict (docs/verdict.md). */
export * from './types';
export { decideVerdict, missingKinds, markFor } from './decide';
export { judgeReplay, describeDifference, type ReplayInput, type ReplayDetails } from './replay';
export { judgeSymptoms, checkSymptom, type Observation, type SymptomResult, type SymptomsDetails } from './symptoms';
export { judgeMetrics, judgeMetric, metricQuantity, quantile, type IncidentMetric, type ReproMeasurements, type ReproRun, type MetricResult, type MetricsDetails } from './metrics';
export { judgeTraces, type TracesDetails, type TracePairResult } from './traces';
export { judgeLogs, type LogComparisonInput, type LogsDetails } from './logs';
export { judgeRunbook, type StepRunEvent, type RunbookDetails, type ExpectStepResult } from './runbook';
export { computeVerdict, type VerdictInputs, type ComputedVerdict } from './compute';
