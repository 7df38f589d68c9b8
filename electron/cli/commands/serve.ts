import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectOnce } from '../../api/handlers/environment';
import { startWebHost } from '../../hosts/web/server';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'serve',
  summary: 'serve the workbench UI and API to a browser (loopback, token-protected)',
  usage: `Usage: repro serve [--port N] [--host 127.0.0.1] [--json]

Serves the built renderer and the workbench API over HTTP + WebSocket and prints one line with
the URL to open; the URL carries a random token that every /api/ request must present.
Binds to loopback unless --host says otherwise. Runs until interrupted (Ctrl-C).

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
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    return 0;
  },
};
