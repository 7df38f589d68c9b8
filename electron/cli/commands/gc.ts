import { gcSessions } from '../../services/environments/down';
import { createWorkbench } from '../../services/workbench';
import { defineCommand } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'gc',
    summary: 'remove the Docker resources of sessions whose owner process is gone',
    usage: ['gc [--json]'],
    description: `Finds sessions whose owner is gone (an up that was killed, an agent that died) and labelled
containers, networks and volumes no live session claims, and removes them. Live sessions are
never touched. Resources of another REPRO_HOME are collected only when that home's folder no
longer exists (see docs/state.md). The app and repro serve run this at start.`,
    positionals: false,
    options: [{ name: 'json', help: 'print {collected:[{session, reason, removed:{containers,networks,volumes}}], skipped?:[{session, reason}]}' }],
    exits: { 0: 'done (nothing to collect included)', 1: 'the engine did not answer or refused a removal' },
  },
  async ({ values }, io) => {
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const report = await gcSessions(wb.docker, wb.stateDir);
    for (const k of report.skipped ?? []) io.stderr(`repro gc: left ${k.session} for next time: ${k.reason}\n`);
    if (values.json) printJson(io, report);
    else if (report.collected.length === 0) io.stdout('Nothing to collect.\n');
    else {
      for (const c of report.collected) {
        io.stdout(`Collected ${c.session} (${c.reason}): ${c.removed.containers} container(s), ${c.removed.networks} network(s), ${c.removed.volumes} volume(s)\n`);
      }
    }
    return 0;
  },
);
