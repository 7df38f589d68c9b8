import { useMemo } from 'react';
import type { FaultRecord, LoadSecond, ProbeResult } from '../../../../shared/gameday/journal';
import { Chart, type TimeBand, type TimeLine } from '../../components/Chart';

const PROBE_COLORS = ['#2f6fde', '#7b4fd6', '#1f8a4c', '#b05a00'];

export interface TimelineData {
  samples: ProbeResult[];
  load: LoadSecond[];
  faults: FaultRecord[];
  /** ms since the run started, "now" for faults still active. */
  now: number;
  methodStartT?: number;
}

/**
 * Probe latency and success, load rate and errors, over the run's clock, with a band for each
 * fault while it was in effect (applied until reverted and, for a container, healthy again).
 */
export function Timeline({ data, live }: { data: TimelineData; live: boolean }) {
  const bands = useMemo<TimeBand[]>(
    () => data.faults.filter((f) => f.fromT !== undefined).map((f) => ({ from: f.fromT!, to: f.toT ?? data.now, label: `${f.id} (${f.fault} ${f.target})`, color: f.error ? 'var(--bad)' : 'var(--warn)' })),
    [data.faults, data.now],
  );
  const probeLines = useMemo<TimeLine[]>(() => {
    const names = [...new Set(data.samples.map((s) => s.probe))];
    const lines: TimeLine[] = names.map((name, i) => ({
      key: `p${i}`,
      label: `${name} latency (ms)`,
      color: PROBE_COLORS[i % PROBE_COLORS.length]!,
      // at the answer's time: a probe sent just before a fault and slowed by it shows inside the band
      points: data.samples.filter((s) => s.probe === name).map((s) => [s.t + (s.latencyMs ?? 0), s.ok ? s.latencyMs : null] as [number, number | null]),
    }));
    const failed = data.samples.filter((s) => !s.ok);
    if (failed.length) lines.push({ key: 'failed', label: 'failed probe', color: 'var(--bad)', dotsOnly: true, points: failed.map((s) => [s.t + (s.latencyMs ?? 0), s.latencyMs ?? 0] as [number, number]) });
    return lines;
  }, [data.samples]);
  const loadLines = useMemo<TimeLine[]>(
    () => [
      { key: 'sent', label: 'load sent/s', color: 'var(--chart-baseline)', points: data.load.map((s) => [s.t * 1000 + 500, s.sent] as [number, number]) },
      { key: 'failed', label: 'load errors/s', color: 'var(--bad)', points: data.load.map((s) => [s.t * 1000 + 500, s.failed] as [number, number]) },
    ],
    [data.load],
  );
  const domain: [number, number] = [0, Math.max(data.now, ...data.samples.map((s) => s.t), 1000)];
  const okCount = data.samples.filter((s) => s.ok).length;
  const active = data.faults.filter((f) => f.fromT !== undefined && f.toT === undefined);
  return (
    <section className="gameday-panel gameday-timeline" aria-labelledby="gameday-timeline-title">
      <div className="gameday-panel-head">
        <h2 id="gameday-timeline-title">Timeline</h2>
        <span className="small" aria-live="polite">
          {okCount}/{data.samples.length} probes passed
          {live && active.length > 0 && (
            <>
              {' · active: '}
              {active.map((f) => (
                <span key={f.id} className="chip fault-chip">
                  {f.id}
                </span>
              ))}
            </>
          )}
        </span>
      </div>
      <Chart
        spec={{ kind: 'time', elapsed: true, xDomain: domain, unit: ' ms', bands, lines: probeLines }}
        height={220}
        ariaLabel={`Probe latency over the run: ${okCount} of ${data.samples.length} probes passed; faults shaded: ${bands.map((b) => b.label).join(', ') || 'none yet'}`}
      />
      {data.load.length > 0 && (
        <Chart
          spec={{ kind: 'time', elapsed: true, xDomain: domain, bands, lines: loadLines }}
          height={160}
          ariaLabel={`Load over the run: ${data.load.reduce((n, s) => n + s.sent, 0)} requests sent, ${data.load.reduce((n, s) => n + s.failed, 0)} failed`}
        />
      )}
    </section>
  );
}
