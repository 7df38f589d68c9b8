/**
 * The "Game days" section of the reproduction report: every game day run in the session, its
 * verdict, steady state before and after, faults with their times, what the probes saw while a
 * fault was active and while none was, the load, and the residue. Each run has an anchor the
 * section's index links to.
 */
import type { DocBlock } from '../record/document';
import { formatDuration } from '../record/stats';
import type { RecordEvent } from '../record/types';
import { statusText, type GamedayJournal, type ProbeResult } from './journal';

export function gamedayAnchor(id: string): string {
  return `gameday-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ms = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n)} ms`);

/** Per probe: samples, failures while a fault was active and while none was, median latencies. */
export function probeSummary(samples: readonly ProbeResult[]): Array<{ probe: string; samples: number; failed: number; failedNoFault: number; p50Quiet?: number; p50Faulted?: number }> {
  const by = new Map<string, ProbeResult[]>();
  for (const s of samples) by.set(s.probe, [...(by.get(s.probe) ?? []), s]);
  return [...by].map(([probe, xs]) => {
    // latency of the answers that passed: a fast error would hide a slow service
    const quiet = xs.filter((x) => x.ok && x.activeFaults.length === 0 && x.latencyMs !== null).map((x) => x.latencyMs!);
    const faulted = xs.filter((x) => x.ok && x.activeFaults.length > 0 && x.latencyMs !== null).map((x) => x.latencyMs!);
    const p50Quiet = median(quiet);
    const p50Faulted = median(faulted);
    return {
      probe,
      samples: xs.length,
      failed: xs.filter((x) => !x.ok).length,
      failedNoFault: xs.filter((x) => !x.ok && x.activeFaults.length === 0).length,
      ...(p50Quiet !== undefined ? { p50Quiet } : {}),
      ...(p50Faulted !== undefined ? { p50Faulted } : {}),
    };
  });
}

export function describeGameday(j: Partial<GamedayJournal>): string {
  return `game day "${j.title ?? '?'}": ${j.status ?? '?'} (${j.faults?.length ?? 0} fault(s), residue ${j.residue?.length ? j.residue.length : 'none'})`;
}

export function gamedayReportBlocks(events: readonly RecordEvent[], rel: (at: number) => string): DocBlock[] {
  const runs = events.filter((e) => e.kind === 'gameday').map((e) => ({ at: e.at, j: e.data as GamedayJournal }));
  if (runs.length === 0) return [];
  const b: DocBlock[] = [{ type: 'heading', level: 2, text: 'Game days' }];
  b.push({ type: 'links', items: runs.map(({ at, j }) => ({ text: `${rel(at)} ${j.title}: ${j.status}`, href: `#${gamedayAnchor(j.id)}` })) });
  for (const { j } of runs) {
    b.push({ type: 'heading', level: 3, text: `${j.title} (run ${j.id})`, id: gamedayAnchor(j.id) });
    b.push({ type: 'verdict', ok: j.status === 'completed' ? true : j.status === 'not-started' ? null : false, text: statusText(j.status) });
    const before = j.steadyState?.before;
    const after = j.steadyState?.after;
    b.push({
      type: 'fields',
      rows: [
        ['Scenario', `${j.scenario?.source ?? '?'} (sha256 ${j.scenario?.sha256?.slice(0, 16) ?? '?'}…)`],
        ['Started', j.startedAt],
        ...(j.durationMs !== undefined ? ([['Duration', formatDuration(j.durationMs)]] as Array<[string, string]>) : []),
        ['Steady state before', before ? (before.met ? 'met' : `not met: ${failuresOf(before.probes)}`) : '—'],
        ['Steady state after', after ? (after.met ? `met${after.recoveredAfterMs !== undefined ? ` (${formatDuration(after.recoveredAfterMs)} after the method)` : ''}` : `not met: ${failuresOf(after.probes)}`) : '—'],
        ...(j.stoppedBy ? ([['Stopped by', j.stoppedBy]] as Array<[string, string]>) : []),
        ...(j.haltedBy ? ([['Halted by', j.haltedBy]] as Array<[string, string]>) : []),
        ...(j.error ? ([['Error', j.error]] as Array<[string, string]>) : []),
        ...(j.load ? ([['Load', `${j.load.traffic} at ${j.load.ratePerS}/s: ${j.load.sent} sent, ${j.load.ok} ok, ${j.load.failed} failed`]] as Array<[string, string]>) : []),
      ],
    });
    if (j.faults?.length) {
      b.push({
        type: 'table',
        header: ['Fault', 'Kind', 'Target', 'Applied', 'Reverted', 'Recovered', 'Error'],
        rows: j.faults.map((f) => [f.id, f.fault, f.target, f.appliedAt ?? 'not applied', f.revertedAt ?? '', f.recoveredAt ?? '', f.error ?? '']),
      });
    }
    const probes = probeSummary(j.probes ?? []);
    if (probes.length) {
      b.push({
        type: 'table',
        header: ['Probe', 'Samples', 'Failed', 'Failed with no fault active', 'Median latency (passed), no fault', 'Median latency (passed), a fault active'],
        rows: probes.map((p) => [p.probe, String(p.samples), String(p.failed), String(p.failedNoFault), ms(p.p50Quiet), ms(p.p50Faulted)]),
      });
    }
    b.push(j.residue?.length ? { type: 'list', items: j.residue.map((r) => `Residue: ${r.target} ${r.what} (${r.detail})`) } : { type: 'paragraph', text: 'Residue: none (nothing left paused, disconnected, limited or proxied).' });
    for (const n of j.notes ?? []) b.push({ type: 'paragraph', text: `Note: ${n}` });
  }
  return b;
}

function failuresOf(probes: readonly ProbeResult[]): string {
  return probes
    .filter((p) => !p.ok)
    .map((p) => `${p.probe} (${(p.failures ?? []).join('; ') || 'failed'})`)
    .join(', ');
}
