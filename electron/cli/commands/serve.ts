import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectOnce } from '../../api/handlers/environment';
import { startWebHost } from '../../hosts/web/server';
import { createWorkbench, shutdownWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { EXIT_CANCELLED } from '../operation';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'serve',
  summary: 'serve the workbench UI and API to a browser (loopback, token-protected)',
  usage: `Usage: repro serve [--port N] [--host 127.0.0.1] [--json]

Serves the built renderer and the workbench API over HTTP + WebSocket and prints one line with
the URL to open; the URL carries a random token that every /api/ request must present.
Binds to loopback unless --host says otherwise. Runs until interrupted (Ctrl-C or SIGTERM):
then running operations are cancelled and waited for, and open bundles (with the folders
archives were unpacked into) are removed before it exits.

Options:
  --port N     port to listen on (default: any free port)
  --host ADDR  address to bind (default 127.0.0.1)
  --open-sample  the printed URL opens the sample incident
  --json       print {"url","origin","token"} instead of the line`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' }, 'open-sample': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
    const wb = createWorkbench({ host: 'web', env: io.env });
    void collectOnce(wb); // sessions orphaned by a crash (kill -9 mid-up) are removed at start
    const host = await startWebHost({ wb, port, host: values.host ?? '127.0.0.1', rendererDir: join(wb.appRoot, 'dist', 'renderer') });
    // --open-sample (what `npm start` passes) makes the page open the shipped sample incident
    const url = values['open-sample'] ? `${host.url}&open=sample` : host.url;
    if (values.json) printJson(io, { url, origin: host.origin, token: host.token });
    else io.stdout(`Repro Workbench is serving at ${url}\n`);
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
};
