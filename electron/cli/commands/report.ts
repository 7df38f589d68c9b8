import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openRecordDb } from '../../services/record/db';
import { generateReport } from '../../services/record/report';
import { writeFileAtomic } from '../../services/atomic-write';
import { settleSessionVerdict } from '../../services/verdict';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'report',
  summary: "write a postmortem-ready report of a session's record (Markdown or HTML)",
  usage: `Usage: repro report <session> [-o FILE] [--format md|html] [--json]

Builds the report from the session's record: incident summary, provenance, verification result,
environment and drift, the runbook steps run with their outputs, replay results, trace and
metric findings, the reproduction verdict and the time to reproduce. Works after the session
is down (the record keeps everything the report needs).

Options:
  -o, --output FILE  write to FILE (atomically) instead of stdout
  --format md|html   default: html when FILE ends in .html/.htm, else md
  --json             with -o: print {"file","format","bytes"}

Exit 0 on success; 1 when the session has no record; 2 usage error.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { output: { type: 'string', short: 'o' }, format: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one session name');
    const out = values.output ? resolve(io.cwd, values.output) : undefined;
    const format = values.format ?? (out && /^\.html?$/i.test(extname(out)) ? 'html' : 'md');
    if (format !== 'md' && format !== 'html') throw new UsageError(`--format must be md or html, got "${format}"`);
    if (values.json && !out) throw new UsageError('--json needs -o FILE (without it the report itself goes to stdout)');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    // The report opens with the verdict as of now (a session whose state is gone keeps the last one recorded).
    await settleSessionVerdict(wb.stateDir, positionals[0]!).catch(() => undefined);
    const text = generateReport(openRecordDb(wb.stateDir), positionals[0]!, { format, generator: `repro ${wb.version}` });
    if (!out) {
      io.stdout(text);
      return 0;
    }
    await writeFileAtomic(out, text);
    if (values.json) printJson(io, { file: out, format, bytes: Buffer.byteLength(text) });
    else io.stderr(`Wrote ${format === 'html' ? 'HTML' : 'Markdown'} report to ${out}\n`);
    return 0;
  },
};
