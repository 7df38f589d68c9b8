import { resolve } from 'node:path';
import { parseDuration } from '../../../shared/format/duration';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'record-traffic',
    summary: 'record the traffic of a running service as HAR (a recording reverse proxy) for capture and replay',
    usage: ['record-traffic --target URL -o FILE.har [--listen HOST:PORT] [--duration D] [--redact-header NAME]... [--json]'],
    description: `A reverse proxy: point clients at --listen instead of the service; every request is forwarded to
--target as it streams (HTTP/1.1, keep-alive, chunked bodies) and written down as HAR 1.2 that
repro replay reads. Bodies are kept byte for byte (a gzip body stays gzip). Authorization,
Cookie, Set-Cookie, Proxy-Authorization, API-key headers and token-like query parameters are
redacted before anything is written. Give the HAR to repro capture --traffic FILE.har: requests
recorded at a published host port are re-addressed to the service that owns it.

Stops on Ctrl-C (SIGINT/SIGTERM) or after --duration, letting requests in flight finish; every
finished exchange is already in FILE.har.partial, so nothing seen is lost. Prints the listening
URL on stderr as soon as it accepts connections (--listen 127.0.0.1:0 picks a free port).`,
    positionals: false,
    options: [
      { name: 'target', value: 'URL', help: 'where requests go, e.g. http://127.0.0.1:49153 (a path prefix is kept; required)' },
      { name: 'listen', value: 'HOST:PORT', help: 'where clients connect (default 127.0.0.1:0)' },
      { name: 'out', short: 'o', value: 'FILE.har', help: 'the HAR to write (must not exist; required)' },
      { name: 'duration', value: 'D', help: 'stop after this long (e.g. 30s, 10m)' },
      { name: 'redact-header', value: 'NAME', multiple: true, help: 'one more header to redact' },
      { name: 'json', help: 'print {file, entries, failed, redacted, stoppedBy}' },
    ],
    exits: { 0: 'recorded until stopped (Ctrl-C ends a recording normally)', 1: 'the address cannot be listened on, or the HAR cannot be written' },
  },
  async ({ values }, io) => {
    if (!values.target) throw new UsageError('--target URL is required');
    if (!values.out) throw new UsageError('-o FILE.har is required');
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(values.listen ?? '127.0.0.1:0');
    if (!m || Number(m[2]) > 65535) throw new UsageError(`--listen "${values.listen}": expected HOST:PORT, e.g. 127.0.0.1:8081`);
    let durationMs: number | undefined;
    if (values.duration !== undefined) {
      durationMs = parseDuration(values.duration);
      if (durationMs === undefined) throw new UsageError(`--duration "${values.duration}": expected a duration such as 30s or 10m`);
    }
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const { recordTraffic } = await import('../../services/capture/record-traffic');
      const result = await recordTraffic({
        target: values.target,
        listen: { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) },
        out: resolve(io.cwd, values.out),
        ...(durationMs ? { durationMs } : {}),
        ...(values['redact-header'] ? { redactHeaders: values['redact-header'] } : {}),
        signal: controller.signal,
        creator: { name: 'repro-workbench record-traffic', version: wb.version },
        onListening: (url) => io.stderr(`recording: listening on ${url} -> ${values.target} (Ctrl-C to stop)\n`),
        onEntry: (n, e) => {
          if (io.isTTY) io.stderr(`\r\x1b[2K${n} recorded · ${e.status} ${e.method} ${e.url}`);
        },
      });
      if (io.isTTY) io.stderr('\n');
      if (values.json) printJson(io, result);
      else {
        io.stdout(`wrote ${result.file}: ${result.entries} exchanges (stopped by ${result.stoppedBy})${result.failed ? `, ${result.failed} the target did not answer` : ''}\n`);
        for (const r of result.redacted) io.stdout(`  redacted ${r.count} × ${r.location} ${r.name} (${r.reason})\n`);
      }
      return 0;
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
  },
);
