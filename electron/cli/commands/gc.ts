import { parseArgs } from 'node:util';
import { gcSessions } from '../../services/environments/down';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'gc',
  summary: 'remove the Docker resources of sessions whose owner process is gone',
  usage: `Usage: repro gc [--json]

Finds sessions whose owner is gone (an up that was killed, an agent that died) and labelled
containers, networks and volumes no live session claims, and removes them. Live sessions are
never touched. The app runs this at start.

Options:
  --json   print {collected:[{session, reason, removed:{containers,networks,volumes}}]}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    if (positionals.length) throw new UsageError('gc takes no arguments');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const report = await gcSessions(wb.docker, wb.stateDir);
    if (values.json) printJson(io, report);
    else if (report.collected.length === 0) io.stdout('Nothing to collect.\n');
    else {
      for (const c of report.collected) {
        io.stdout(`Collected ${c.session} (${c.reason}): ${c.removed.containers} container(s), ${c.removed.networks} network(s), ${c.removed.volumes} volume(s)\n`);
      }
    }
    return 0;
  },
};
