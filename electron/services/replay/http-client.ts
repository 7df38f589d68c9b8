/**
 * The replay's HTTP client: undici with a keep-alive pool per origin (as fast as Node gets), raw
 * bytes back (no automatic decompression, so the body compared is what the server sent).
 */
import { Agent, request } from 'undici';
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

export function createReplayAgent(concurrency: number): Agent {
  return new Agent({ connections: Math.max(1, concurrency), pipelining: 1, keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
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

export async function sendRequest(
  agent: Agent,
  req: { url: string; method: string; headers: HeaderPair[]; body: Uint8Array | null },
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<SentResponse> {
  const flat: string[] = [];
  for (const h of req.headers) flat.push(h.name, h.value);
  const started = performance.now();
  try {
    const res = await request(req.url, {
      dispatcher: agent,
      method: req.method as 'GET',
      headers: flat,
      body: req.body ?? null,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    const latencyMs = performance.now() - started;
    const headers: HeaderPair[] = [];
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.push({ name, value: v });
      else if (value !== undefined) headers.push({ name, value });
    }
    return { status: res.statusCode, headers, body, latencyMs };
  } catch (err) {
    throw explain(err, opts.timeoutMs, opts.signal);
  }
}
