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
never touched, except that a game day whose process died has every fault it applied reverted
(from its undo ledger). The app runs this at start.

Options:
  --json   print {collected:[{session, reason, removed:{containers,networks,volumes}}],
           faultsReverted:[{session, runId, reverted:[{faultId,fault,target}], failed:[…]}],
           failed:[{session, leftover, error}]}

A session whose resources the engine refuses to remove is named on stderr and the others are
still collected; the exit is 1 only when one of this home's own sessions could not be.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    if (positionals.length) throw new UsageError('gc takes no arguments');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const report = await gcSessions(wb.docker, wb.stateDir);
    // A resource the engine will not remove is named, not fatal to the rest; only this home's
    // own sessions make the exit 1 (a dead home's leftovers are nobody's live work).
    for (const f of report.failed) io.stderr(`Could not collect ${f.session}${f.leftover ? ' (left by a workbench home that no longer exists)' : ''}: ${f.error}\n`);
    const code = report.failed.some((f) => !f.leftover) ? 1 : 0;
    if (values.json) printJson(io, report);
    else if (report.collected.length === 0 && report.faultsReverted.length === 0) io.stdout(report.failed.length ? '' : 'Nothing to collect.\n');
    else {
      for (const r of report.faultsReverted) {
        io.stdout(`Game day ${r.runId} on ${r.session} had ended without reverting: ${r.reverted.map((f) => `${f.fault} ${f.target}`).join(', ') || 'nothing'} reverted${r.failed.length ? `; NOT reverted: ${r.failed.map((f) => `${f.fault} ${f.target} (${f.error})`).join(', ')}` : ''}\n`);
      }
      for (const c of report.collected) {
        io.stdout(`Collected ${c.session} (${c.reason}): ${c.removed.containers} container(s), ${c.removed.networks} network(s), ${c.removed.volumes} volume(s)\n`);
      }
    }
    return code;
  },
};
