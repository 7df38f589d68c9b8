import { parseArgs } from 'node:util';
import { engineStatus } from '../../services/docker-engine';
import { listSessions } from '../../services/environments/session-info';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';
import { sandboxLines } from '../sandbox';

export const command: CliCommand = {
  name: 'status',
  summary: 'show the Docker engine and the sessions with their services, health and endpoints',
  usage: `Usage: repro status [--all] [--json]

Lists sessions that are not down, asking the engine for each service's state and probing its
healthcheck once. When the engine is unreachable, says so and how to start it.

Options:
  --all    include sessions that are down or failed
  --json   print {engine:{reachable,version,error,hint}, sessions:[...]}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, all: { type: 'boolean' } }, strict: true, allowPositionals: true });
    if (positionals.length) throw new UsageError('status takes no arguments');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const engine = await engineStatus(wb.docker, 3000, io.env);
    const sessions = await listSessions(wb.docker, wb.stateDir, { probe: engine.reachable, engine, ...(values.all ? { all: true } : {}) });
    if (values.json) {
      printJson(io, { engine, sessions });
      return 0;
    }
    const lines: string[] = [];
    lines.push(engine.reachable ? `Engine: Docker ${engine.version} at ${engine.endpoint}` : `Engine: NOT REACHABLE — ${engine.error}\n  ${engine.hint ?? ''}`);
    if (sessions.length === 0) lines.push('No sessions.');
    for (const s of sessions) {
      lines.push('', `${s.name}  (${s.phase}, bundle ${s.bundleId}, since ${s.createdAt}${s.agent.alive ? '' : ', agent not running'})`);
      if (s.error) lines.push(`  error: ${s.error.message}`);
      if (s.sandbox) for (const l of sandboxLines(s.sandbox)) lines.push(`  ${l}`);
      for (const svc of s.services) {
        lines.push(`  ${svc.name.padEnd(16)} ${svc.state.padEnd(8)} ${svc.health.padEnd(9)} ${svc.endpoints.map((e) => `${e.container} -> ${e.url}`).join(', ')}`);
      }
    }
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
};
