/**
 * The replay's HTTP client: undici with a keep-alive pool per origin (as fast as Node gets), raw
 * bytes back (no automatic decompression, so the body compared is what the server sent).
 */
import { Pool, type Dispatcher } from 'undici';
import type { HeaderPair } from '../../../shared/replay/har';

export interface SentResponse {
  status: number;
  headers: HeaderPair[];
  body: Uint8Array;
  latencyMs: number;
}

export class ReplayHttpError extends Error {
  override name = 'ReplayHttpError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'reset' | 'cancelled' | 'other',
  ) {
    super(message);
  }
}

/**
 * One keep-alive pool per target origin (a session has a few services at most). A Pool per
 * origin rather than an Agent: the Agent's per-request routing showed up at max rate.
 */
export class ReplayAgent {
  private readonly pools = new Map<string, Pool>();
  constructor(private readonly connections: number) {}
  pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      // noDelay off (Node's socket default, as load tools use): undici corks header and body
      // into one write, so Nagle adds no delay to a request, and small writes cost less CPU.
      p = new Pool(origin, { connections: Math.max(1, this.connections), pipelining: 1, keepAliveTimeout: 10_000, connect: { timeout: 10_000, noDelay: false } });
      this.pools.set(origin, p);
    }
    return p;
  }
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

export function createReplayAgent(concurrency: number): ReplayAgent {
  return new ReplayAgent(concurrency);
}

function explain(err: unknown, timeoutMs: number, signal?: AbortSignal): ReplayHttpError {
  const e = err as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (signal?.aborted || e.name === 'AbortError' || code === 'UND_ERR_ABORTED') return new ReplayHttpError('cancelled', 'cancelled');
  if (code === 'ECONNREFUSED') return new ReplayHttpError(`connection refused (${e.message ?? code})`, 'refused');
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new ReplayHttpError(`timeout: no complete answer within ${timeoutMs} ms`, 'timeout');
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new ReplayHttpError(`connection reset (${e.message ?? code})`, 'reset');
  return new ReplayHttpError(`${e.message ?? String(err)}${code ? ` (${code})` : ''}`, 'other');
}

/**
 * Send one request and collect the whole answer. Uses undici's dispatch with a handler (no
 * response stream, no per-request promise chain inside undici): at max rate the client's own CPU
 * per request decides how close the replay gets to the target's capacity.
 */
export function sendRequest(
  agent: ReplayAgent,
  req: { url: string; method: string; headers: HeaderPair[]; body: Uint8Array | null },
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<SentResponse> {
  const flat: string[] = [];
  for (const h of req.headers) flat.push(h.name, h.value);
  // Origin = scheme://host:port; the rest (path and query) is sent byte for byte.
  const cut = req.url.indexOf('/', req.url.indexOf('//') + 2);
  const origin = cut < 0 ? req.url : req.url.slice(0, cut);
  const path = cut < 0 ? '/' : req.url.slice(cut);
  const { signal, timeoutMs } = opts;
  return new Promise<SentResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(new ReplayHttpError('cancelled', 'cancelled'));
    const started = performance.now();
    let status = 0;
    let headers: HeaderPair[] = [];
    const chunks: Buffer[] = [];
    let size = 0;
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    const onAbort = () => controller?.abort(new ReplayHttpError('cancelled', 'cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err: unknown, res?: SentResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err instanceof ReplayHttpError ? err : explain(err, timeoutMs, signal));
      else resolve(res!);
    };
    agent.pool(origin).dispatch(
      { path, method: req.method as Dispatcher.HttpMethod, headers: flat, body: req.body ?? null, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      {
        onRequestStart(c) {
          controller = c;
          if (signal?.aborted) c.abort(new ReplayHttpError('cancelled', 'cancelled'));
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          headers = [];
          for (const name in h) {
            const value = h[name];
            if (Array.isArray(value)) for (const v of value) headers.push({ name, value: v });
            else if (value !== undefined) headers.push({ name, value: String(value) });
          }
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
          size += chunk.length;
        },
        onResponseEnd() {
          const body = chunks.length === 1 ? new Uint8Array(chunks[0]!.buffer, chunks[0]!.byteOffset, size) : new Uint8Array(Buffer.concat(chunks, size));
          done(null, { status, headers, body, latencyMs: performance.now() - started });
        },
        onResponseError(_c, err) {
          done(err);
        },
      },
    );
  });
}
