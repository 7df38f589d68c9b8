import type { ComputedVerdictSummary, Mark, RecordStats, SessionSummary, Verdict } from './types';

type VerdictOf = Pick<SessionSummary, 'verdict' | 'verdictSource' | 'markedAt' | 'computed' | 'timeToReproduceMs'>;

/**
 * Verdict and time to reproduce of one session from its marks and computed verdicts (any order)
 * and its first action. The person's latest mark decides; without one, the latest computed
 * verdict does when it is decisive. Time to reproduce runs to the first "reproduced", computed
 * or marked, whichever came first, and counts only while the verdict is reproduced.
 */
export function verdictOf(marks: readonly Mark[], firstEventAt: number | undefined, computed: readonly ComputedVerdictSummary[] = []): VerdictOf {
  const ordered = [...marks].sort((a, b) => a.at - b.at || a.id - b.id);
  const computedOrdered = [...computed].sort((a, b) => a.at - b.at || a.eventId - b.eventId);
  const latestComputed = computedOrdered[computedOrdered.length - 1];
  const latest = ordered[ordered.length - 1];
  const out: VerdictOf = latestComputed ? { computed: latestComputed } : {};
  if (latest) Object.assign(out, { verdict: latest.verdict, verdictSource: 'person' as const });
  else if (latestComputed?.verdict === 'reproduced') Object.assign(out, { verdict: 'reproduced' as Verdict, verdictSource: 'computed' as const });
  else if (latestComputed?.verdict === 'not-reproduced') Object.assign(out, { verdict: 'not-reproducible' as Verdict, verdictSource: 'computed' as const });
  if (out.verdict !== 'reproduced') return latest ? { ...out, markedAt: latest.at } : out;
  const firstMark = ordered.find((m) => m.verdict === 'reproduced');
  const firstComputed = computedOrdered.find((c) => c.verdict === 'reproduced');
  const firstAt = Math.min(firstMark?.at ?? Infinity, firstComputed?.at ?? Infinity);
  const start = firstEventAt ?? firstAt;
  return { ...out, ...(firstMark ? { markedAt: firstMark.at } : {}), timeToReproduceMs: Math.max(0, firstAt - start) };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Across sessions: an incident (bundle id) counts as reproduced when any of its sessions ended
 * reproduced, as not reproducible when sessions reached only that verdict, and does not count
 * while no session has a verdict.
 */
export function recordStats(summaries: readonly SessionSummary[]): RecordStats {
  const incidents = new Map<string, Verdict | undefined>();
  for (const s of summaries) {
    const prev = incidents.get(s.session.bundleId);
    if (prev === 'reproduced') continue;
    incidents.set(s.session.bundleId, s.verdict ?? prev);
  }
  const verdicts = [...incidents.values()];
  const withVerdict = verdicts.filter((v) => v !== undefined).length;
  const reproduced = verdicts.filter((v) => v === 'reproduced').length;
  const ttrs = summaries.flatMap((s) => (s.verdict === 'reproduced' && s.timeToReproduceMs !== undefined ? [s.timeToReproduceMs] : []));
  return {
    sessions: summaries.length,
    incidents: incidents.size,
    incidentsWithVerdict: withVerdict,
    incidentsReproduced: reproduced,
    reproducibleRate: withVerdict === 0 ? null : reproduced / withVerdict,
    medianTimeToReproduceMs: median(ttrs),
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
