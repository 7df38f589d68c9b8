/**
 * "Is this the incident, again?" as data: each kind of evidence judged on its own with its
 * explanation, and one verdict decided from them by the rules in ./decide.ts (docs/verdict.md).
 */
export const REPRO_VERDICTS = ['reproduced', 'not-reproduced', 'inconclusive'] as const;
export type ReproVerdict = (typeof REPRO_VERDICTS)[number];

/** In the order the verdict consults them (symptoms first when the bundle names any). */
export const EVIDENCE_KINDS = ['symptoms', 'replay', 'metrics', 'traces', 'logs', 'runbook'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** An evidence's own verdict; `missing` when there is nothing to judge (no replay yet, no metrics in the bundle). */
export type EvidenceVerdict = ReproVerdict | 'missing';

export type Confidence = 'high' | 'medium' | 'low';

export interface Evidence<D = unknown> {
  kind: EvidenceKind;
  verdict: EvidenceVerdict;
  /** One or two sentences: what was compared and what it showed, or what is missing and how to get it. */
  explanation: string;
  /** The kind's own data (see the *Details types), for views and `--json`. */
  details: D;
  /** Record events this evidence rests on (a replay, step runs, a logs comparison), for linking. */
  recordEvents?: number[];
}

export interface VerdictDecision {
  verdict: ReproVerdict;
  confidence: Confidence;
  /** The one or two sentences that decide it. */
  reasons: string[];
  /** The evidence that decided (absent when nothing did: inconclusive for want of evidence). */
  decidedBy?: EvidenceKind;
}

/** What `repro verdict --json` prints and `verdict.get` answers. */
export interface SessionVerdict extends VerdictDecision {
  session: string;
  evidence: Evidence[];
  /** Kinds with nothing to judge yet, in consultation order. */
  missing: EvidenceKind[];
  /** ms since epoch */
  computedAt: number;
  /** The record event that keeps this verdict (the latest `verdict` event), when recorded. */
  recordEvent?: number;
}

/** What the record keeps of a computed verdict (a `verdict` event's data): no per-kind details. */
export interface RecordedVerdict extends VerdictDecision {
  evidence: Array<Pick<Evidence, 'kind' | 'verdict' | 'explanation' | 'recordEvents'>>;
  missing: EvidenceKind[];
}

export function toRecorded(v: VerdictDecision & { evidence: Evidence[]; missing: EvidenceKind[] }): RecordedVerdict {
  return {
    verdict: v.verdict,
    confidence: v.confidence,
    reasons: v.reasons,
    ...(v.decidedBy ? { decidedBy: v.decidedBy } : {}),
    evidence: v.evidence.map((e) => ({ kind: e.kind, verdict: e.verdict, explanation: e.explanation, ...(e.recordEvents?.length ? { recordEvents: e.recordEvents } : {}) })),
    missing: v.missing,
  };
}

/** Two computed verdicts say the same thing (the record keeps a new one only when they do not). */
export function sameVerdict(a: RecordedVerdict, b: RecordedVerdict): boolean {
  return a.verdict === b.verdict && a.confidence === b.confidence && a.reasons.join('\n') === b.reasons.join('\n');
}

/** Words for people. */
export const VERDICT_LABEL: Record<ReproVerdict, string> = { reproduced: 'Reproduced', 'not-reproduced': 'Not reproduced', inconclusive: 'Inconclusive' };
export const EVIDENCE_LABEL: Record<EvidenceKind, string> = { symptoms: 'Symptoms', replay: 'Replay', metrics: 'Metrics', traces: 'Traces', logs: 'Logs', runbook: 'Runbook' };
export const EVIDENCE_VERDICT_LABEL: Record<EvidenceVerdict, string> = { ...VERDICT_LABEL, missing: 'Not available' };

/** "GET /cgi-bin/checkout?cart=legacy" from a recorded URL (host left out: it names the service). */
export function requestLabel(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.pathname}${u.search}`;
  } catch {
    return `${method} ${url}`;
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
