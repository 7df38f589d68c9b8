import { useMemo } from 'react';
import type { ReplayReport } from '../../../../shared/api/methods/replay';
import { Chart } from '../../components/Chart';

export function LatencyPanel({ report }: { report: ReplayReport }) {
  const spec = useMemo(
    () => ({
      kind: 'histogram' as const,
      unit: 'ms',
      series: [
        { key: 'recorded', label: 'recorded', color: 'var(--chart-baseline)', values: report.results.map((r) => r.recordedLatencyMs).filter((v): v is number => v !== null) },
        { key: 'replayed', label: 'replayed', color: 'var(--chart-canary)', values: report.results.map((r) => r.latencyMs).filter((v): v is number => v !== null) },
      ],
    }),
    [report],
  );
  const j = report.latency.judgement;
  const verdict = { 'as-slow': 'as slow as the incident', slower: 'slower than the incident', faster: 'faster than the incident: the slowness did not reproduce', nodata: 'not enough data' }[j.verdict];
  return (
    <div className="replay-panel">
      <h2>Latency: recorded vs replayed</h2>
      <Chart spec={spec} height={200} ariaLabel="Latency distributions, recorded and replayed" />
      <p className="small">
        p50 {report.latency.recorded.p50} → {report.latency.replayed.p50} ms · p99 {report.latency.recorded.p99} → {report.latency.replayed.p99} ms
      </p>
      <p className="small">
        <strong>Repro is {verdict}</strong> <span className="muted">({j.reason})</span>
      </p>
    </div>
  );
}
