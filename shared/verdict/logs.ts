/**
 * Log evidence: which of the incident's error templates the reproduction logged too, from the
 * logs comparison (shared/logs/compare.ts, kept in the record as a `logs` event).
 *   reproduced      every error template of the incident appears in the reproduction's logs;
 *   not-reproduced  none does, though the reproduction logged;
 *   inconclusive    some do, or the incident logged no errors.
 */
import type { LogComparison } from '../logs/compare';
import { plural, type Evidence } from './types';

/** The part of a logs comparison (shared/logs/compare.ts, the one implementation) the verdict reads. */
export type LogComparisonInput = Pick<LogComparison, 'incident' | 'repro' | 'reproduced' | 'missing'>;

export interface LogsDetails {
  incidentLines?: number;
  reproLines?: number;
  errorTemplates?: number;
  reproduced?: Array<{ template: string; incident: number; repro: number }>;
  missing?: Array<{ template: string; incident: number; repro: number }>;
}

const quote = (t: { template: string; incident: number; repro: number }) => `"${t.template}" (${t.repro} in the reproduction, ${t.incident} in the incident)`;

export function judgeLogs(comparison: LogComparisonInput | undefined, opts: { recordEvent?: number; bundleHasLogs?: boolean } = {}): Evidence<LogsDetails> {
  const base = { kind: 'logs' as const, ...(opts.recordEvent !== undefined ? { recordEvents: [opts.recordEvent] } : {}) };
  if (!comparison) {
    return {
      ...base,
      verdict: 'missing',
      explanation:
        opts.bundleHasLogs === false
          ? 'The bundle has no logs to compare the reproduction with.'
          : "The reproduction's logs have not been compared with the incident's yet (repro logs <bundle> --compare <session>).",
      details: {},
    };
  }
  const details: LogsDetails = {
    incidentLines: comparison.incident.lines,
    reproLines: comparison.repro.lines,
    errorTemplates: comparison.incident.errorTemplates,
    reproduced: comparison.reproduced.slice(0, 20),
    missing: comparison.missing.slice(0, 20),
  };
  const k = comparison.reproduced.length + comparison.missing.length;
  if (k === 0) return { ...base, verdict: 'inconclusive', explanation: 'The incident logged no errors, so its logs cannot tell this reproduction apart.', details };
  if (comparison.repro.lines === 0) return { ...base, verdict: 'missing', explanation: 'The reproduction has logged nothing yet.', details };
  if (comparison.missing.length === 0) {
    return { ...base, verdict: 'reproduced', explanation: `The reproduction logged all ${plural(k, 'error template')} of the incident, e.g. ${quote(comparison.reproduced[0]!)}.`, details };
  }
  if (comparison.reproduced.length === 0) {
    return { ...base, verdict: 'not-reproduced', explanation: `None of the incident's ${plural(k, 'error template')} appears in the reproduction's logs (e.g. "${comparison.missing[0]!.template}", ${comparison.missing[0]!.incident} times in the incident).`, details };
  }
  return {
    ...base,
    verdict: 'inconclusive',
    explanation: `The reproduction logged ${comparison.reproduced.length} of the incident's ${plural(k, 'error template')}; missing: "${comparison.missing[0]!.template}".`,
    details,
  };
}
