import { parseArgs } from 'node:util';
import type { LogEvent } from '../../../shared/api/events';
import { streamLogs } from '../../services/environments/logs';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'logs',
  summary: "print a session's container logs, multiplexed (optionally following)",
  usage: `Usage: repro logs <session> [service] [--follow] [--tail N] [--json]

Prints the logs of every service of the session (or one), each line prefixed with its service;
history is merged in time order. --follow keeps printing until interrupted (Ctrl-C).

Options:
  --follow, -f  keep following new lines
  --tail N      only the last N lines per service
  --json        print [{service,stream,line,ts}] (not with --follow)`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('expected <session> [service]');
    if (values.json && values.follow) throw new UsageError('--json prints one document; it cannot be combined with --follow');
    const tail = values.tail === undefined ? undefined : Number(values.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail must be a non-negative integer, got "${values.tail}"`);
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const collected: LogEvent[] = [];
    try {
      await streamLogs({
        docker: wb.docker,
        stateDir: wb.stateDir,
        session: positionals[0]!,
        ...(positionals[1] ? { service: positionals[1] } : {}),
        follow: Boolean(values.follow),
        ...(tail !== undefined ? { tail } : {}),
        signal: controller.signal,
        onLine: (e) => {
          if (values.json) collected.push(e);
          else io.stdout(`${e.service} | ${e.line}\n`);
        },
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    if (values.json) printJson(io, collected.map(({ service, stream, line, ts }) => ({ service, stream, line, ts })));
    return 0;
  },
};
