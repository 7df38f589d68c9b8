import { parseArgs } from 'node:util';
import { EVIDENCE_LABEL, EVIDENCE_VERDICT_LABEL, REPRO_VERDICTS, VERDICT_LABEL, type SessionVerdict } from '../../../shared/verdict/types';
import { settleSessionVerdict } from '../../services/verdict';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

function human(v: SessionVerdict): string {
  const lines = [`Verdict for ${v.session}: ${VERDICT_LABEL[v.verdict].toUpperCase()} (${v.confidence} confidence)`, ...v.reasons.map((r) => `  ${r}`), '', 'Evidence:'];
  for (const e of v.evidence) lines.push(`  ${EVIDENCE_LABEL[e.kind].padEnd(9)} ${EVIDENCE_VERDICT_LABEL[e.verdict].padEnd(15)} ${e.explanation}`);
  if (v.missing.length > 0) lines.push('', `Not available yet: ${v.missing.map((k) => EVIDENCE_LABEL[k].toLowerCase()).join(', ')} (see above for how to get them).`);
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  name: 'verdict',
  summary: 'did it reproduce? the verdict from all of a session\'s evidence, each piece explained',
  usage: `Usage: repro verdict <session> [--json] [--expect VERDICT]

Judges each kind of evidence the session has on its own: the symptoms the bundle names, the
latest replay (did the incident's responses come back?), the metrics it measured against the
incident's canary and baseline, its traces against the incident's, its logs (the incident's error
templates it also logged), and the runbook's expect steps. Then one verdict: reproduced,
not-reproduced or inconclusive, with a confidence and the sentences that decide it (rules:
docs/verdict.md). The verdict is kept in the session's record when it says something new.

Exit 0 when computed (whatever the verdict, unless --expect names another); 1 when there is no
such session, or the verdict is not the one --expect names (it is printed all the same); 2 usage
error.

Options:
  --expect V  reproduced, not-reproduced or inconclusive: exit 1 unless the verdict is V (CI: "the
              bundle still reproduces", "with the fix it no longer does")
  --json   print {"verdict","confidence","reasons","evidence":[{"kind","verdict","explanation",
           "details"}],"missing","session","computedAt","recordEvent"?}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, expect: { type: 'string' } }, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('expected exactly one session name');
    const expected = values.expect;
    if (expected !== undefined && !(REPRO_VERDICTS as readonly string[]).includes(expected)) throw new UsageError(`--expect must be one of ${REPRO_VERDICTS.join(', ')}, got "${expected}"`);
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const { verdict } = await settleSessionVerdict(wb.stateDir, positionals[0]!);
    if (values.json) printJson(io, verdict);
    else io.stdout(human(verdict));
    if (expected !== undefined && verdict.verdict !== expected) {
      io.stderr(`repro verdict: ${positionals[0]!} is ${verdict.verdict}, not ${expected}\n`);
      return 1;
    }
    return 0;
  },
};
