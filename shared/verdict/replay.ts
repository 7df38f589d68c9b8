/**
 * Replay evidence: did the recorded incident responses come back? The responses the incident is
 * about are its failing ones (recorded 5xx) when it has any, else every recorded response.
 *   reproduced      every one of them came back as recorded (noise aside);
 *   not-reproduced  none did: they answered, differently;
 *   inconclusive    some did and some did not, or requests got no answer.
 * Other responses that differ are said, not counted against (a lab differs from production in
 * places the incident is not about). Latency is the metrics evidence's to judge.
 */
import type { ReplayReport } from '../replay/report';
import { plural, requestLabel, type Evidence } from './types';

export type ReplayInput = Pick<ReplayReport, 'id' | 'mode' | 'cancelled' | 'total' | 'sent' | 'matched' | 'mismatched' | 'errors' | 'successRate' | 'finishedAt'> & {
  latency: { judgement: { verdict: string; reason: string } };
  results: Array<Pick<ReplayReport['results'][number], 'index' | 'method' | 'url' | 'status' | 'recordedStatus' | 'outcome' | 'diff' | 'error'>>;
};

export interface ReplayDetails {
  replayId?: string;
  mode?: string;
  total?: number;
  sent?: number;
  matched?: number;
  mismatched?: number;
  errors?: number;
  cancelled?: boolean;
  /** What the verdict looked at: the incident's failing responses, or all of them. */
  focus?: 'failing' | 'all';
  focusCount?: number;
  focusMatched?: number;
  focusDiffer?: number;
  focusNoAnswer?: number;
  /** Other responses (outside the focus) that differ. */
  otherDiffer?: number;
  /** Up to 5 differences, each one line. */
  differences?: string[];
  latency?: { verdict: string; reason: string };
}

type Row = ReplayInput['results'][number];

/** One line saying how a replayed response differs from its recording. */
export function describeDifference(r: Row): string {
  const what = requestLabel(r.method, r.url);
  if (r.outcome === 'error') return `${what} got no answer (${r.error ?? 'no response'})`;
  if (r.status !== r.recordedStatus) return `${what} answered ${r.status ?? 'nothing'} where the incident answered ${r.recordedStatus}`;
  const first = (r.diff ?? '').split('\n').find((l) => l.trim() && !/^status:/.test(l.trim()));
  return `${what} answered ${r.status} with a different body${first ? ` (${first.trim()})` : ''}`;
}

export function judgeReplay(report: ReplayInput | undefined, recordEvent?: number): Evidence<ReplayDetails> {
  const base = { kind: 'replay' as const, ...(recordEvent !== undefined ? { recordEvents: [recordEvent] } : {}) };
  if (!report) return { ...base, verdict: 'missing', explanation: 'No replay has run in this session yet: replay the recorded traffic (Replay pane, or repro replay <session>).', details: {} };
  const counts: ReplayDetails = {
    replayId: report.id,
    mode: report.mode,
    total: report.total,
    sent: report.sent,
    matched: report.matched,
    mismatched: report.mismatched,
    errors: report.errors,
    cancelled: report.cancelled,
    latency: { verdict: report.latency.judgement.verdict, reason: report.latency.judgement.reason },
  };
  if (report.sent === 0 || report.results.length === 0) {
    return { ...base, verdict: 'missing', explanation: 'The latest replay was stopped before any request was answered: replay again.', details: counts };
  }
  const rows = report.results;
  const failing = rows.filter((r) => r.recordedStatus >= 500);
  const focus = failing.length > 0 ? failing : rows;
  const inFocus = new Set(focus.map((r) => r.index));
  const same = focus.filter((r) => r.outcome === 'matched');
  const differ = focus.filter((r) => r.outcome === 'mismatched');
  const noAnswer = focus.filter((r) => r.outcome === 'error');
  const others = rows.filter((r) => !inFocus.has(r.index) && r.outcome !== 'matched');
  const statuses = [...new Set(failing.map((r) => r.recordedStatus))].join('/');
  const focusName = failing.length > 0 ? `the incident's ${plural(failing.length, 'failing response')} (${statuses})` : `the ${plural(rows.length, 'recorded response')}`;
  const stopped = report.cancelled ? ` (the replay was stopped after ${report.sent} of ${report.total} requests)` : '';
  const details: ReplayDetails = {
    ...counts,
    focus: failing.length > 0 ? 'failing' : 'all',
    focusCount: focus.length,
    focusMatched: same.length,
    focusDiffer: differ.length,
    focusNoAnswer: noAnswer.length,
    otherDiffer: others.length,
    differences: [...differ, ...noAnswer, ...others].slice(0, 5).map(describeDifference),
  };

  if (differ.length === 0 && noAnswer.length === 0) {
    const explanation =
      others.length === 0
        ? failing.length > 0
          ? `All ${plural(report.sent, 'replayed request')} got the recorded answer (noise aside), ${focusName} included${stopped}.`
          : `All ${plural(report.sent, 'replayed request')} got the recorded answer (noise aside)${stopped}.`
        : `${capitalise(focusName)} came back as recorded; ${plural(others.length, 'other response')} ${others.length === 1 ? 'differs' : 'differ'} (${describeDifference(others[0]!)})${stopped}.`;
    return { ...base, verdict: 'reproduced', explanation, details };
  }
  if (same.length === 0 && differ.length > 0 && noAnswer.length === 0) {
    return { ...base, verdict: 'not-reproduced', explanation: `None of ${focusName} came back: ${describeDifference(differ[0]!)}${differ.length > 1 ? ` (and ${plural(differ.length - 1, 'more')})` : ''}${stopped}.`, details };
  }
  if (same.length === 0 && differ.length === 0) {
    return { ...base, verdict: 'inconclusive', explanation: `${capitalise(plural(noAnswer.length, 'request'))} behind ${focusName} got no answer, so nothing could be compared: ${describeDifference(noAnswer[0]!)}${stopped}.`, details };
  }
  return {
    ...base,
    verdict: 'inconclusive',
    explanation: `Only ${same.length} of ${focusName} came back as recorded: ${describeDifference((differ[0] ?? noAnswer[0])!)}${stopped}.`,
    details,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
