import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { OTLP_SESSION_QUOTA, WriteQuota, type WriteQuotaLimits } from '../write-quota';
import { decodeTraceRequest, encodeEmptyTraceResponse, encodeRpcStatus } from './proto';

export const OTLP_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** A refused body is read and dropped up to this much so the exporter reads the answer; beyond, the socket closes. */
const MAX_DRAINED_BYTES = 4 * OTLP_MAX_BODY_BYTES;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * One OTLP signal the receiver accepts. Its export request is
 * `{ <items>: [{ <scopes>: [{ <records>: [...] }] }] }` (resourceSpans -> scopeSpans -> spans);
 * logs and metrics have the same shape under their own names, so adding them is one more entry.
 */
export interface OtlpSignal {
  /** URL path, e.g. /v1/traces. */
  path: string;
  items: string;
  /** Names of the scope level, newest first (older SDKs wrote instrumentationLibrarySpans). */
  scopes: string[];
  records: string;
  /** Folder the accepted requests go to, one OTLP/JSON file each. */
  outDir: string;
  decodeProtobuf(body: Uint8Array): Record<string, unknown>;
  encodeProtobufResponse(): Uint8Array;
}

export function tracesSignal(outDir: string): OtlpSignal {
  return {
    path: '/v1/traces',
    items: 'resourceSpans',
    scopes: ['scopeSpans', 'instrumentationLibrarySpans'],
    records: 'spans',
    outDir,
    decodeProtobuf: decodeTraceRequest,
    encodeProtobufResponse: encodeEmptyTraceResponse,
  };
}

export interface OtlpReceiverOptions {
  host: string;
  port?: number;
  /** Folder for received traces (the traces signal); or give `signals`. */
  outDir?: string;
  signals?: OtlpSignal[];
  /** What all signals together may write (bytes, files); default OTLP_SESSION_QUOTA. */
  quota?: WriteQuotaLimits;
  onStored?: (signal: OtlpSignal, records: number, file: string) => void;
}

export interface OtlpReceiver {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** An answer with an HTTP status; `grpc` is the google.rpc.Status code it carries. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly grpc: number,
    message: string,
  ) {
    super(message);
  }
}

// google.rpc.Code values used in error answers
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The records in an export request, or a Refusal when it is not one. An object without the
 * items array is a valid empty request (protobuf's JSON mapping ignores unknown fields), so it
 * counts 0; anything whose levels are not the arrays of objects OTLP defines is refused, so
 * nothing stored can break the reader later.
 */
export function countRecords(signal: OtlpSignal, request: unknown): number {
  if (!isObject(request)) throw new Refusal(400, INVALID_ARGUMENT, `expected an export request object with "${signal.items}"`);
  const items = request[signal.items];
  if (items === undefined) return 0;
  if (!Array.isArray(items)) throw new Refusal(400, INVALID_ARGUMENT, `"${signal.items}" must be an array`);
  let n = 0;
  for (const [i, item] of items.entries()) {
    if (!isObject(item)) throw new Refusal(400, INVALID_ARGUMENT, `${signal.items}[${i}] must be an object`);
    for (const scopeKey of signal.scopes) {
      const scopes = item[scopeKey];
      if (scopes === undefined) continue;
      if (!Array.isArray(scopes)) throw new Refusal(400, INVALID_ARGUMENT, `${signal.items}[${i}].${scopeKey} must be an array`);
      for (const [j, scope] of scopes.entries()) {
        if (!isObject(scope)) throw new Refusal(400, INVALID_ARGUMENT, `${signal.items}[${i}].${scopeKey}[${j}] must be an object`);
        const records = scope[signal.records];
        if (records === undefined) continue;
        if (!Array.isArray(records) || !records.every(isObject)) throw new Refusal(400, INVALID_ARGUMENT, `${signal.items}[${i}].${scopeKey}[${j}].${signal.records} must be an array of objects`);
        n += records.length;
      }
    }
  }
  return n;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > OTLP_MAX_BODY_BYTES) throw new Refusal(413, RESOURCE_EXHAUSTED, `body larger than ${OTLP_MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > OTLP_MAX_BODY_BYTES) throw new Refusal(413, RESOURCE_EXHAUSTED, `body larger than ${OTLP_MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const enc = (req.headers['content-encoding'] ?? '').toLowerCase();
  if (enc !== 'gzip' && enc !== 'deflate') {
    if (enc && enc !== 'identity') throw new Refusal(415, INVALID_ARGUMENT, `unsupported content-encoding ${enc}`);
    return raw;
  }
  try {
    return await (enc === 'gzip' ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: OTLP_MAX_BODY_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Refusal(413, RESOURCE_EXHAUSTED, `body inflates to more than ${OTLP_MAX_BODY_BYTES} bytes`);
    throw new Refusal(400, INVALID_ARGUMENT, `${enc} body cannot be inflated: ${(err as Error).message}`);
  }
}

/** Drop the rest of a refused request's body (bounded), so the client gets to read the answer. */
function drain(req: IncomingMessage): void {
  if (req.complete) return;
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > MAX_DRAINED_BYTES) req.destroy();
  });
  req.resume();
}

/**
 * OTLP/HTTP receiver (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`, application/json or application/x-protobuf, optionally
 * gzip or deflate). Every accepted request with records is stored as OTLP/JSON so readers see
 * one format whatever the exporter spoke. Containers of a session may be hostile: a request is
 * checked to be an export request before it is kept, bodies are bounded (413), and what a
 * session may write in total is bounded (507). Errors are a google.rpc.Status in the request's
 * encoding, as the OTLP/HTTP spec asks.
 */
export async function startOtlpReceiver(opts: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const signals = opts.signals ?? (opts.outDir ? [tracesSignal(opts.outDir)] : []);
  if (signals.length === 0) throw new Error('startOtlpReceiver needs outDir or signals');
  const byPath = new Map(signals.map((s) => [s.path, s]));
  // One quota for all signals: what matters is what the session can put on the disk.
  const quota = new WriteQuota(opts.quota ?? OTLP_SESSION_QUOTA);
  for (const dir of new Set(signals.map((s) => s.outDir))) {
    mkdirSync(dir, { recursive: true });
    const there = WriteQuota.forFolder(dir, quota.limits);
    quota.usedBytes += there.usedBytes;
    quota.usedFiles += there.usedFiles;
  }
  let seq = 0;

  const reply = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  const refuse = (res: ServerResponse, r: Refusal, proto: boolean) => {
    const message = `rejected: ${r.message}`;
    if (proto) reply(res, r.status, 'application/x-protobuf', encodeRpcStatus(r.grpc, message));
    else reply(res, r.status, 'application/json', JSON.stringify({ code: r.grpc, message }));
  };

  const store = async (signal: OtlpSignal, request: unknown, records: number): Promise<void> => {
    const text = JSON.stringify(request);
    const bytes = Buffer.byteLength(text);
    if (!quota.reserve(bytes, 1)) {
      throw new Refusal(507, RESOURCE_EXHAUSTED, `the session's telemetry quota is used up (${quota.describe()}); nothing more is stored`);
    }
    const name = `${Date.now()}-${process.pid}-${String(seq++).padStart(6, '0')}.json`;
    const tmp = join(signal.outDir, `.${name}.tmp`);
    try {
      await writeFile(tmp, text);
      await rename(tmp, join(signal.outDir, name));
    } catch (err) {
      quota.release(bytes, 1);
      await unlink(tmp).catch(() => {});
      throw new Refusal(500, INTERNAL, `cannot store the request: ${(err as Error).message}`);
    }
    opts.onStored?.(signal, records, name);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const signal = byPath.get((req.url ?? '').split('?')[0]!);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const proto = type === 'application/x-protobuf' || type === 'application/protobuf';
    try {
      if (!signal) throw new Refusal(404, UNIMPLEMENTED, `only ${[...byPath.keys()].join(', ')} ${byPath.size === 1 ? 'is' : 'are'} served here`);
      if (req.method !== 'POST') throw new Refusal(405, UNIMPLEMENTED, 'use POST');
      if (!proto && type !== 'application/json') throw new Refusal(415, INVALID_ARGUMENT, 'content-type must be application/json or application/x-protobuf');
      const body = await readBody(req);
      let request: unknown;
      try {
        request = proto ? signal.decodeProtobuf(body) : JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new Refusal(400, INVALID_ARGUMENT, `not a ${proto ? 'protobuf' : 'JSON'} export request: ${(err as Error).message}`);
      }
      const records = countRecords(signal, request);
      // An empty export is valid and answered as such; there is nothing to keep.
      if (records > 0) await store(signal, request, records);
      if (proto) reply(res, 200, 'application/x-protobuf', signal.encodeProtobufResponse());
      else reply(res, 200, 'application/json', '{}');
    } catch (err) {
      drain(req);
      refuse(res, err instanceof Refusal ? err : new Refusal(500, INTERNAL, (err as Error).message), proto);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
