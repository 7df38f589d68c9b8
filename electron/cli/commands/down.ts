import { parseArgs } from 'node:util';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'down',
  summary: 'stop a session: remove every container, network and volume labelled with it',
  usage: `Usage: repro down <session> [--graceful] [--json]

Removes every container, network and volume carrying the session's label (found from the engine,
whatever state the session is in), stops its agent and marks it down. Containers are killed;
with --graceful each is first stopped (SIGTERM, then SIGKILL after its stop timeout). The
session's folder (received spans, replay results, record) is kept.

Options:
  --graceful  let services shut down cleanly before they are removed
  --json      print {session, removed:{containers,networks,volumes}, agentStopped}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, graceful: { type: 'boolean' } }, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('expected exactly one session name (see repro status)');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const report = resultOrThrow(await runCliOperation(io, wb, 'env.down', { session: positionals[0]!, ...(values.graceful ? { graceful: true } : {}) }, { progress: false }));
    if (values.json) printJson(io, report);
    else {
      const r = report.removed;
      io.stdout(`Session ${report.session} is down: removed ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s).\n`);
    }
    return 0;
  },
};
