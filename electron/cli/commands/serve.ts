import { join } from 'node:path';
import { collectOnce } from '../../api/handlers/environment';
import { isLoopback, startWebHost, wildcardBindProblem } from '../../hosts/web/server';
import { createWorkbench, shutdownWorkbench } from '../../services/workbench';
import { defineCommand, UsageError } from '../command';
import { EXIT_CANCELLED } from '../operation';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'serve',
    summary: 'serve the workbench UI and API to a browser (loopback, token-protected)',
    usage: ['serve [--port N] [--host ADDR] [--open-sample] [--json]'],
    description: `Serves the built renderer and the workbench API over HTTP + WebSocket and prints one line with
the URL to open; the URL carries a random token that every /api/ request must present, and a
request addressed to another Host than the one printed is refused (421: DNS rebinding).
Binds to loopback unless --host names another address of this machine; a wildcard (0.0.0.0,
::) is refused, since no browser could address it. Runs until interrupted (Ctrl-C or SIGTERM):
then running operations are cancelled and waited for, and open bundles (with the folders
archives were unpacked into) are removed before it exits.`,
    positionals: false,
    options: [
      { name: 'port', value: 'N', help: 'port to listen on (default: any free port)' },
      { name: 'host', value: 'ADDR', help: 'address to bind (default 127.0.0.1); another than loopback is plain HTTP\non that network: a warning says so' },
      { name: 'open-sample', help: 'the printed URL opens the sample incident (what npm start passes)' },
      { name: 'json', help: 'print {"url","origin","token"} instead of the line' },
    ],
    exits: { 0: 'served until stopped', 1: 'the port or address cannot be bound' },
  },
  async ({ values }, io) => {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
    const bind = values.host ?? '127.0.0.1';
    const wildcard = wildcardBindProblem(bind);
    if (wildcard) throw new UsageError(wildcard);
    const wb = createWorkbench({ host: 'web', env: io.env });
    void collectOnce(wb); // sessions orphaned by a crash (kill -9 mid-up) are removed at start
    const host = await startWebHost({ wb, port, host: bind, rendererDir: join(wb.appRoot, 'dist', 'renderer') });
    // --open-sample (what `npm start` passes) makes the page open the shipped sample incident
    const url = values['open-sample'] ? `${host.url}&open=sample` : host.url;
    if (values.json) printJson(io, { url, origin: host.origin, token: host.token });
    else io.stdout(`Repro Workbench is serving at ${url}\n`);
    if (!isLoopback(bind)) io.stderr(`warning: serving on ${bind}: plain HTTP, so anyone on that network who sees the URL (token included) can use this workbench and its Docker sessions\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        // a second Ctrl-C while shutting down quits at once
        process.once('SIGINT', () => process.exit(EXIT_CANCELLED));
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    // Clean exit: no new calls, every socket closed (their subscriptions end), running
    // operations cancelled and waited for, open bundles and their unpacked folders removed.
    io.stderr('shutting down…\n');
    await host.close();
    await shutdownWorkbench(wb);
    return 0;
  },
);
