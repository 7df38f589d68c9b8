import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { SessionPlugin } from '../session-plugin';
import { decodeTraceRequest, encodeEmptyTraceResponse } from './proto';
import { logsSignal, metricsSignal, type OtlpSignalSpec } from './logs-metrics';

export const OTLP_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface OtlpReceiverOptions {
  host: string;
  port?: number;
  /** Folder the received requests are written to, one OTLP/JSON file each. */
  outDir: string;
  onSpans?: (count: number, file: string) => void;
  /** Signals beside traces (logs, metrics: otlp/logs-metrics.ts), each into its own folder. */
  extraSignals?: OtlpSignalSpec[];
  onStored?: (path: string, file: string) => void;
}

export interface OtlpReceiver {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function countSpans(req: { resourceSpans?: unknown[] }): number {
  let n = 0;
  for (const rs of (req.resourceSpans ?? []) as Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>) {
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  }
  return n;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > OTLP_MAX_BODY_BYTES) throw Object.assign(new Error(`body larger than ${OTLP_MAX_BODY_BYTES} bytes`), { status: 413 });
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const enc = (req.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip') return gunzipSync(raw, { maxOutputLength: OTLP_MAX_BODY_BYTES });
  if (enc === 'deflate') return inflateSync(raw, { maxOutputLength: OTLP_MAX_BODY_BYTES });
  if (enc && enc !== 'identity') throw Object.assign(new Error(`unsupported content-encoding ${enc}`), { status: 415 });
  return raw;
}

/**
 * OTLP/HTTP trace receiver (`POST /v1/traces`, application/json or application/x-protobuf,
 * optionally gzip). Every accepted request is stored as OTLP/JSON so the traces view reads
 * one format whatever the exporter spoke.
 */
export async function startOtlpReceiver(opts: OtlpReceiverOptions): Promise<OtlpReceiver> {
  mkdirSync(opts.outDir, { recursive: true });
  const extra = new Map((opts.extraSignals ?? []).map((s) => [s.path, s]));
  for (const s of extra.values()) mkdirSync(s.outDir, { recursive: true });
  let seq = 0;
  const reply = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  /** A logs or metrics export: checked to be one, kept as OTLP/JSON on one line in its folder. */
  const storeSignal = async (signal: OtlpSignalSpec, req: IncomingMessage, res: ServerResponse, isProto: boolean) => {
    const body = await readBody(req);
    const request = (isProto ? signal.decodeProtobuf(body) : JSON.parse(body.toString('utf8'))) as Record<string, unknown> | null;
    if (!request || typeof request !== 'object' || !Array.isArray(request[signal.items] ?? [])) throw Object.assign(new Error(`expected an export request with "${signal.items}"`), { status: 400 });
    if (((request[signal.items] as unknown[] | undefined) ?? []).length > 0) {
      const name = `${Date.now()}-${process.pid}-${String(seq++).padStart(6, '0')}.json`;
      const tmp = join(signal.outDir, `.${name}.tmp`);
      writeFileSync(tmp, JSON.stringify(request) + '\n');
      renameSync(tmp, join(signal.outDir, name));
      opts.onStored?.(signal.path, name);
    }
    if (isProto) reply(res, 200, 'application/x-protobuf', signal.encodeProtobufResponse());
    else reply(res, 200, 'application/json', '{}');
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const signal = extra.get(path);
      if (path !== '/v1/traces' && !signal) return reply(res, 404, 'application/json', JSON.stringify({ message: `only ${['/v1/traces', ...extra.keys()].join(', ')} ${extra.size ? 'are' : 'is'} served here` }));
      if (req.method !== 'POST') return reply(res, 405, 'application/json', JSON.stringify({ message: 'use POST' }));
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const isProto = type === 'application/x-protobuf' || type === 'application/protobuf';
      if (!isProto && type !== 'application/json') {
        return reply(res, 415, 'application/json', JSON.stringify({ message: 'content-type must be application/json or application/x-protobuf' }));
      }
      try {
        if (signal) return await storeSignal(signal, req, res, isProto);
        const body = await readBody(req);
        const request = isProto ? decodeTraceRequest(body) : (JSON.parse(body.toString('utf8')) as { resourceSpans?: unknown[] });
        if (!request || typeof request !== 'object' || !Array.isArray(request.resourceSpans ?? [])) throw Object.assign(new Error('expected an ExportTraceServiceRequest'), { status: 400 });
        const spans = countSpans(request);
        const name = `${Date.now()}-${process.pid}-${String(seq++).padStart(6, '0')}.json`;
        const tmp = join(opts.outDir, `.${name}.tmp`);
        writeFileSync(tmp, JSON.stringify(request));
        renameSync(tmp, join(opts.outDir, name));
        opts.onSpans?.(spans, name);
        if (isProto) reply(res, 200, 'application/x-protobuf', encodeEmptyTraceResponse());
        else reply(res, 200, 'application/json', '{}');
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400;
        reply(res, status, 'application/json', JSON.stringify({ message: `rejected: ${(err as Error).message}` }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The OTLP receiver as a session plugin: containers get OTEL_* pointing at it. */
export const otlpReceiverPlugin: SessionPlugin = {
  name: 'otlp-receiver',
  reservePort: true,
  envFor(plan) {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${plan.advertisedHost}:${plan.reservedPort}`,
      // values are percent-encoded as the OTel spec asks (W3C baggage octets)
      OTEL_RESOURCE_ATTRIBUTES: `repro.session=${encodeURIComponent(plan.session)},repro.bundle=${encodeURIComponent(plan.bundleId)}`,
    };
  },
  async start(ctx) {
    const receiver = await startOtlpReceiver({
      host: ctx.bindHost,
      ...(ctx.reservedPort ? { port: ctx.reservedPort } : {}),
      outDir: join(ctx.sessionDir, 'otlp'),
      onSpans: (n, file) => ctx.log(`otlp: ${n} spans -> ${file}`),
      // Logs go where `repro logs <session>` reads them; metrics are kept for the Metrics pane.
      extraSignals: [logsSignal(join(ctx.sessionDir, 'otlp-logs')), metricsSignal(join(ctx.sessionDir, 'otlp-metrics'))],
      onStored: (path, file) => ctx.log(`otlp: ${path} -> ${file}`),
    });
    return {
      endpoints: { otlp: `http://${ctx.advertisedHost}:${receiver.port}`, otlpHost: `http://${ctx.bindHost}:${receiver.port}` },
      stop: () => receiver.close(),
    };
  },
};
