import type { Mark, RecordStats, SessionSummary, Verdict } from './types';

/** Verdict and time to reproduce of one session from its marks (any order) and its first action. */
export function verdictOf(marks: readonly Mark[], firstEventAt: number | undefined): { verdict?: Verdict; markedAt?: number; timeToReproduceMs?: number } {
  if (marks.length === 0) return {};
  const ordered = [...marks].sort((a, b) => a.at - b.at || a.id - b.id);
  const latest = ordered[ordered.length - 1]!;
  if (latest.verdict !== 'reproduced') return { verdict: latest.verdict, markedAt: latest.at };
  const firstReproduced = ordered.find((m) => m.verdict === 'reproduced')!;
  const start = firstEventAt ?? firstReproduced.at;
  return { verdict: 'reproduced', markedAt: firstReproduced.at, timeToReproduceMs: Math.max(0, firstReproduced.at - start) };
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
