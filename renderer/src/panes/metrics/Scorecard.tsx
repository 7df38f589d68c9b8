import type { CanaryView } from '../../../../shared/api/methods/canary';
import { formatValue } from '../../components/Chart';

type Judgement = CanaryView['judgement'];

function VerdictBadge({ verdict }: { verdict: Judgement['verdict'] }) {
  return (
    <span className={`verdict verdict-${verdict}`} data-testid="canary-verdict">
      {verdict.toUpperCase()}
    </span>
  );
}

export function Scorecard({ judgement }: { judgement: Judgement }) {
  return (
    <section className="scorecard" aria-label="Scorecard">
      <div className="scorecard-head">
        <VerdictBadge verdict={judgement.verdict} />
        <span className="score" data-testid="canary-score">
          {formatValue(judgement.score)}
          <span className="muted small"> / 100</span>
        </span>
        <span className="muted small">
          pass ≥ {formatValue(judgement.thresholds.pass)}, marginal ≥ {formatValue(judgement.thresholds.marginal)}
        </span>
      </div>
      <p className="scorecard-reason">{judgement.reason}</p>
      {judgement.warnings.map((w) => (
        <p key={w} className="warning small" role="note">
          {w}
        </p>
      ))}
      <table className="groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Score</th>
            <th scope="col">Weight</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {judgement.groups.map((g) => (
            <tr key={g.name}>
              <th scope="row">{g.name}</th>
              <td>{g.noData ? 'n/a' : formatValue(g.score)}</td>
              <td>{formatValue(g.weight)}%</td>
              <td className="muted small">{g.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
