import { resolve } from 'node:path';
import { fmtPercent } from '../../../shared/canary/format';
import { formatNumber, summarizeJudgement, type CanaryJudgement } from '../../../shared/canary/judge';
import { openBundle } from '../../services/bundles/open';
import { judgeBundle } from '../../services/canary/judge-bundle';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

function humanReport(j: CanaryJudgement): string {
  const lines = [`Verdict: ${j.verdict.toUpperCase()}  score ${formatNumber(j.score)} (pass >= ${j.thresholds.pass}, marginal >= ${j.thresholds.marginal})`, j.reason, ''];
  lines.push('Groups:');
  for (const g of j.groups) lines.push(`  ${g.name.padEnd(16)} ${g.noData ? '  n/a' : formatNumber(g.score).padStart(5)}  ${g.explanation}`);
  lines.push('', 'Metrics:');
  for (const m of j.metrics) {
    const flag = m.critical ? '  CRITICAL FAILURE' : m.settings.critical ? '  (critical metric)' : '';
    lines.push(`  ${m.classification.padEnd(16)} ${m.name}${flag}`);
    if (m.interval) {
      lines.push(
        `      ${fmtPercent(m.settings.confLevel)} interval [${formatNumber(m.interval[0])}, ${formatNumber(m.interval[1])}], estimate ${formatNumber(m.estimate!)}, ` +
          `band ±${formatNumber(m.toleranceBand![1])}, ${m.effectSize.measure} ${formatNumber(m.effectSize.value)}`,
      );
    }
    lines.push(`      ${m.reason}`);
  }
  for (const w of j.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand(
  {
    name: 'judge',
    summary: "judge the bundle's canary metrics against its baseline (Kayenta-compatible) and say why",
    usage: ['judge <bundle> [--json]'],
    description: `Reads the bundle's canary section and its Prometheus range-query files, picks the canary and
baseline series by the label selectors, and classifies each metric the way Kayenta's
NetflixACAJudge does (Mann-Whitney interval against a tolerance band, effect sizes, critical
metrics), then scores groups and gives pass / marginal / fail by the manifest's thresholds.
Every metric comes with the interval, the estimate and one sentence saying why.
<bundle> is a bundle folder or a .tar / .tar.gz / .tgz archive.`,
    options: [
      {
        name: 'json',
        help: 'print {"verdict","score","reason","groups":[{"name","score"}],\n"metrics":[{"name","classification","critical","interval"?,"estimate"?,"effectSize"?,"reason"}],\n"warnings"}',
      },
    ],
    exits: { 0: 'judged, whatever the verdict (a fail is data)', 1: 'the bundle cannot be judged (no such path, no canary section, unreadable metrics)' },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle path');
    const source = positionals[0]!;
    const bundle = await openBundle(resolve(io.cwd, source));
    try {
      const judgement = judgeBundle(bundle.root, bundle.manifest, source);
      if (values.json) printJson(io, summarizeJudgement(judgement));
      else io.stdout(humanReport(judgement));
      return 0;
    } finally {
      await bundle.dispose();
    }
  },
);
