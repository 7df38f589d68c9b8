import type { ReplayReport } from '../../../../shared/replay/report';
import './replay-extras.css';

/**
 * What a person should know about a replay before reading its results, each said once: nothing
 * to replay, requests that failed when recorded (skipped, with the producer's reason), hosts sent
 * to the ingress service or by the host map, answers compared without a recorded body.
 */
export function ReplayNotices({ report }: { report: Pick<ReplayReport, 'notices' | 'skipped'> }) {
  if (report.notices.length === 0) return null;
  return (
    <div className="replay-notices" role="status" aria-label="About this replay">
      <ul>
        {report.notices.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      {report.skipped.length > 0 && (
        <details>
          <summary>Skipped requests ({report.skipped.length})</summary>
          <ul>
            {report.skipped.map((s) => (
              <li key={s.source}>
                <code>
                  {s.method} {s.url}
                </code>{' '}
                <span className="muted">
                  — {s.reason} ({s.source})
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
