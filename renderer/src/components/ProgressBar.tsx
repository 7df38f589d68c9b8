import type { ProgressEvent } from '../../../shared/api/events';
import { formatBytes } from '../../../shared/format/bytes';

function amount(n: number, unit?: ProgressEvent['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : n.toLocaleString();
}

/** One progress bar for every long arrow (verify, image loads, replays, trace parsing). */
export function ProgressBar({ progress }: { progress: ProgressEvent }) {
  const pct = progress.total ? Math.min(100, (100 * progress.done) / Math.max(1, progress.total)) : undefined;
  return (
    <div className="progress" role="progressbar" aria-label={progress.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div className="progress-label">
        <span title={progress.label}>{progress.label}</span>
        <span className="muted">
          {progress.total !== undefined ? `${amount(progress.done, progress.unit)} / ${amount(progress.total, progress.unit)}` : amount(progress.done, progress.unit)}
        </span>
      </div>
      <div className="progress-track">
        <div className={`progress-fill${pct === undefined ? ' indeterminate' : ''}`} style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}
