/**
 * One verdict from the evidence. The rules, in order (docs/verdict.md says the same):
 *  1. Symptoms the bundle names decide first: all shown -> reproduced, none shown -> not reproduced.
 *  2. Else the replay: the incident's responses did not come back -> not reproduced; they did ->
 *     reproduced, unless the metrics behave like the incident's baseline (then inconclusive:
 *     the answers match but the behaviour the incident is about may not).
 *  3. Else the rest (metrics, traces, logs, runbook): reproduced or not reproduced when those that
 *     say anything agree, inconclusive when they disagree or none says anything.
 * Confidence: high when the deciding evidence (symptoms or replay) is confirmed by another and
 * contradicted by none (symptoms and replay look at the same responses, so neither confirms the
 * other; a contradiction between them still counts); medium when nothing confirms or contradicts it, or when rule 3 decides
 * with two or more agreeing; low otherwise, and always for inconclusive. Symptoms that could not
 * be told (inconclusive) lower a verdict decided by rules 2 or 3 by one step.
 */
import { EVIDENCE_KINDS, EVIDENCE_LABEL, type Confidence, type Evidence, type EvidenceKind, type ReproVerdict, type VerdictDecision } from './types';

const OPPOSITE: Record<'reproduced' | 'not-reproduced', 'reproduced' | 'not-reproduced'> = { reproduced: 'not-reproduced', 'not-reproduced': 'reproduced' };
/** Which agreeing evidence is quoted as confirmation, most telling first. */
const CONFIRMATION_ORDER: EvidenceKind[] = ['metrics', 'traces', 'logs', 'runbook', 'replay', 'symptoms'];
const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };
/** Symptoms are looked for in the replay's responses: one does not confirm the other. */
const SAME_RESPONSES = new Set(['symptoms/replay', 'replay/symptoms']);

export function missingKinds(evidence: readonly Evidence[]): EvidenceKind[] {
  return EVIDENCE_KINDS.filter((k) => evidence.some((e) => e.kind === k && e.verdict === 'missing'));
}

function listMissing(evidence: readonly Evidence[]): string {
  return missingKinds(evidence)
    .map((k) => EVIDENCE_LABEL[k].toLowerCase())
    .join(', ');
}

function decided(verdict: 'reproduced' | 'not-reproduced', by: Evidence, evidence: readonly Evidence[], strong: boolean, symptomsUnclear: boolean): VerdictDecision {
  const others = evidence.filter((e) => e !== by);
  const agree = others.filter((e) => e.verdict === verdict && !SAME_RESPONSES.has(`${by.kind}/${e.kind}`));
  const oppose = others.filter((e) => e.verdict === OPPOSITE[verdict]);
  let confidence: Confidence;
  if (strong) confidence = oppose.length > 0 ? 'low' : agree.length > 0 ? 'high' : 'medium';
  else confidence = oppose.length === 0 && agree.length > 0 ? 'medium' : 'low';
  if (symptomsUnclear) confidence = LOWER[confidence];
  const reasons = [by.explanation];
  if (oppose.length > 0) reasons.push(`But the ${EVIDENCE_LABEL[oppose[0]!.kind].toLowerCase()} say${oppose[0]!.kind === 'metrics' || oppose[0]!.kind === 'traces' || oppose[0]!.kind === 'logs' ? '' : 's'} otherwise: ${oppose[0]!.explanation}`);
  else if (agree.length > 0) {
    const best = CONFIRMATION_ORDER.map((k) => agree.find((e) => e.kind === k)).find((e) => e !== undefined)!;
    reasons.push(best.explanation);
  } else {
    const missing = listMissing(evidence);
    reasons.push(`Nothing else confirms it yet${missing ? ` (not available: ${missing})` : ''}.`);
  }
  return { verdict, confidence, reasons, decidedBy: by.kind };
}

function inconclusive(reasons: string[], decidedBy?: EvidenceKind): VerdictDecision {
  return { verdict: 'inconclusive', confidence: 'low', reasons, ...(decidedBy ? { decidedBy } : {}) };
}

export function decideVerdict(evidence: readonly Evidence[]): VerdictDecision {
  const of = (k: EvidenceKind) => evidence.find((e) => e.kind === k);
  const symptoms = of('symptoms');
  if (symptoms && (symptoms.verdict === 'reproduced' || symptoms.verdict === 'not-reproduced')) return decided(symptoms.verdict, symptoms, evidence, true, false);
  const symptomsUnclear = symptoms?.verdict === 'inconclusive';

  const replay = of('replay');
  const metrics = of('metrics');
  if (replay?.verdict === 'not-reproduced') return decided('not-reproduced', replay, evidence, true, symptomsUnclear);
  if (replay?.verdict === 'reproduced') {
    if (metrics?.verdict === 'not-reproduced') return inconclusive([replay.explanation, `But the metrics look like the incident's baseline: ${metrics.explanation}`], 'metrics');
    return decided('reproduced', replay, evidence, true, symptomsUnclear);
  }

  const rest = evidence.filter((e) => e.kind !== 'symptoms' && e.kind !== 'replay');
  const yes = rest.filter((e) => e.verdict === 'reproduced');
  const no = rest.filter((e) => e.verdict === 'not-reproduced');
  if (yes.length > 0 && no.length === 0) return decided('reproduced', yes[0]!, evidence, false, symptomsUnclear);
  if (no.length > 0 && yes.length === 0) return decided('not-reproduced', no[0]!, evidence, false, symptomsUnclear);
  if (yes.length > 0 && no.length > 0) {
    const names = (list: Evidence[]) => list.map((e) => EVIDENCE_LABEL[e.kind].toLowerCase()).join(' and ');
    return inconclusive([`The evidence disagrees: ${names(yes)} say${yes.length === 1 && yes[0]!.kind === 'runbook' ? 's' : ''} reproduced, ${names(no)} not reproduced.`, yes[0]!.explanation]);
  }
  const said = evidence.find((e) => e.verdict === 'inconclusive');
  const missing = listMissing(evidence);
  if (!said) return inconclusive([`Not enough evidence yet${missing ? `: nothing from ${missing}` : ''}.`]);
  return inconclusive([said.explanation, ...(missing ? [`Not available yet: ${missing}.`] : [])], said.kind);
}

/** The verdict a mark's "reproduced / not reproducible" stands for, and back. */
export function markFor(v: ReproVerdict): 'reproduced' | 'not-reproducible' | undefined {
  return v === 'reproduced' ? 'reproduced' : v === 'not-reproduced' ? 'not-reproducible' : undefined;
}
