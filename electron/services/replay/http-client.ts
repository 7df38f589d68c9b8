/**
 * The replay's HTTP/1.1 client: keep-alive connections on node:net, requests written byte for
 * byte as the engine builds them, answers read by response-parser.ts.
 *
 * Why not undici: at max rate the client's own CPU per request decides how close a replay gets
 * to the target's capacity, and the engine must also compare every answer. undici's per-request
 * work (header validation and normalisation, a handler chain, an object of parsed headers) cost
 * about 40% more CPU than this, which put max-rate replay well under the load tool it is
 * benchmarked against. This client does only what replay needs: no redirects, no decompression
 * (the body compared is what the server sent), no pipelining, no TLS (session endpoints are
 * plain http on loopback).
 */
import net from 'node:net';
import type { HeaderPair } from '../../../shared/replay/har';
import { ResponseParser } from './response-parser';

export interface SentResponse {
  status: number;
  /** Name, value, name, value … as received (names in the server's case). */
  rawHeaders: string[];
  body: Uint8Array;
  latencyMs: number;
}

export type ReplayHttpErrorKind = 'refused' | 'timeout' | 'reset' | 'cancelled' | 'invalid' | 'other';

export class ReplayHttpError extends Error {
  override name = 'ReplayHttpError';
  constructor(
    message: string,
    readonly kind: ReplayHttpErrorKind,
  ) {
    super(message);
  }
}

export interface ReplayHttpRequest {
  /** `http://host:port` */
  origin: string;
  /** Path and query, sent as given. */
  path: string;
  method: string;
  headers: HeaderPair[];
  body: Uint8Array | null;
}

export interface SendOptions {
  /** Limit for a complete answer, from the moment the request is handed to the client. */
  timeoutMs: number;
  signal?: AbortSignal;
}

// RFC 9110 §5.1 token, and a field value without CR, LF or NUL (anything else a HAR holds is
// sent as recorded; these would let a bundle smuggle a second request onto the connection).
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE_RE = /[\r\n\0]/;
const BAD_TARGET_RE = /[\s\0]/;
const NON_LATIN1_RE = /[^\u0000-\u00ff]/;
// RFC 9110 §9.2.2: a request that failed on a reused connection before any answer arrived may
// be sent again only when repeating it is harmless.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
// Methods whose requests carry content by definition: send `Content-Length: 0` when empty.
const EXPECTS_CONTENT = new Set(['POST', 'PUT', 'PATCH']);
// A server closes idle keep-alive connections (Node's default after 5 s); reusing one just as it
// closes loses the request. Connections idle longer than this are closed by us first.
const IDLE_LIMIT_MS = 4_000;

interface Pending {
  head: string;
  body: Uint8Array | null;
  method: string;
  deadline: number;
  timeoutMs: number;
  started: number;
  retried: boolean;
  signal: AbortSignal | undefined;
  resolve(res: SentResponse): void;
  reject(err: ReplayHttpError): void;
}

/** Where every connection's reads land (see Connection). */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

class Connection {
  readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  pending: Pending | null = null;
  /** Answers completed on this connection (a failure on a used one may be a stale keep-alive). */
  served = 0;
  idleSince = 0;
  closed = false;
  private status = 0;
  private headers: string[] = [];
  private gotBytes = false;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly pool: OriginPool,
    host: string,
    port: number,
  ) {
    this.parser = new ResponseParser({
      onHead: (head) => {
        this.status = head.status;
        this.headers = head.rawHeaders;
        // A HEAD answer announces a length but carries no body.
        return this.pending?.method === 'HEAD';
      },
      onBody: (chunk) => {
        this.chunks.push(chunk);
        this.size += chunk.length;
      },
      onComplete: () => this.complete(),
    });
    // Reads land in one buffer shared by the agent's connections (each read is parsed, and what
    // is kept is copied, before the next): no stream machinery and no allocation per read.
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (nread: number, buf: Uint8Array) => {
          this.gotBytes = true;
          try {
            this.parser.execute(buf as Buffer, nread);
          } catch (err) {
            this.fail(new ReplayHttpError(`malformed answer: ${(err as Error).message}`, 'other'), false);
          }
          return true;
        },
      },
    });
    this.socket.on('end', () => {
      // A body delimited by the close completes here; anything else was cut short.
      if (!this.parser.finish() || this.pending) this.fail(new ReplayHttpError('connection closed before a complete answer', 'reset'), true);
      this.close();
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(explainSocketError(err), err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    this.socket.on('close', () => {
      this.fail(new ReplayHttpError('connection closed before a complete answer', 'reset'), true);
      this.close();
    });
  }

  send(p: Pending): void {
    this.pending = p;
    this.gotBytes = false;
    this.chunks = [];
    this.size = 0;
    p.started = performance.now();
    const encoding = NON_LATIN1_RE.test(p.head) ? 'utf8' : 'latin1';
    if (p.body && p.body.length > 0) {
      this.socket.cork();
      this.socket.write(p.head, encoding);
      this.socket.write(p.body);
      this.socket.uncork();
    } else this.socket.write(p.head, encoding);
  }

  private complete(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const latencyMs = performance.now() - p.started;
    const { chunks, size } = this;
    this.chunks = [];
    const body = chunks.length === 1 ? new Uint8Array(chunks[0]!.buffer, chunks[0]!.byteOffset, size) : new Uint8Array(Buffer.concat(chunks, size));
    this.served++;
    if (this.parser.reusable) this.pool.release(this);
    else this.close();
    p.resolve({ status: this.status, rawHeaders: this.headers, body, latencyMs });
  }

  /**
   * The request in flight (if any) fails. `staleable`: the failure is the kind a server's
   * closing of an idle keep-alive connection causes, so an idempotent request that got no byte
   * back on a connection that had already served answers is sent once more on a new one.
   */
  fail(err: ReplayHttpError, staleable: boolean): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const retry = staleable && !this.gotBytes && this.served > 0 && !p.retried && IDEMPOTENT.has(p.method);
    this.close();
    if (retry) {
      p.retried = true;
      this.pool.dispatch(p);
    } else p.reject(err);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.pool.forget(this);
  }
}

function explainSocketError(err: NodeJS.ErrnoException): ReplayHttpError {
  const code = err.code;
  if (code === 'ECONNREFUSED') return new ReplayHttpError(`connection refused (${err.message})`, 'refused');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ReplayHttpError(`connection reset (${err.message})`, 'reset');
  if (code === 'ETIMEDOUT') return new ReplayHttpError(`timeout (${err.message})`, 'timeout');
  return new ReplayHttpError(`${err.message}${code ? ` (${code})` : ''}`, 'other');
}

/** Up to `max` keep-alive connections to one host:port; requests beyond that wait their turn. */
class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly authority: string,
    private readonly max: number,
  ) {}

  dispatch(p: Pending): void {
    const now = performance.now();
    let conn: Connection | undefined;
    while ((conn = this.idle.pop())) {
      if (!conn.closed && now - conn.idleSince < IDLE_LIMIT_MS) break;
      conn.close();
    }
    if (!conn && this.all.size < this.max) {
      conn = new Connection(this, this.host, this.port);
      this.all.add(conn);
    }
    if (conn) conn.send(p);
    else this.queue.push(p);
  }

  release(conn: Connection): void {
    const next = this.queue.shift();
    if (next) return conn.send(next);
    conn.idleSince = performance.now();
    this.idle.push(conn);
  }

  forget(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // A waiting request takes the place the closed connection leaves.
    const next = this.queue.shift();
    if (next) this.dispatch(next);
  }

  /** Fail what has run out of time or been cancelled. */
  sweep(now: number): void {
    for (const conn of this.all) {
      const p = conn.pending;
      if (!p) continue;
      if (p.signal?.aborted) conn.fail(new ReplayHttpError('cancelled', 'cancelled'), false);
      else if (now > p.deadline) conn.fail(new ReplayHttpError(`timeout: no complete answer within ${p.timeoutMs} ms`, 'timeout'), false);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i]!;
      if (p.signal?.aborted || now > p.deadline) {
        this.queue.splice(i, 1);
        p.reject(p.signal?.aborted ? new ReplayHttpError('cancelled', 'cancelled') : new ReplayHttpError(`timeout: no complete answer within ${p.timeoutMs} ms`, 'timeout'));
      }
    }
  }

  get busy(): boolean {
    return this.queue.length > 0 || this.all.size > this.idle.length;
  }

  close(): void {
    for (const p of this.queue.splice(0)) p.reject(new ReplayHttpError('cancelled', 'cancelled'));
    for (const conn of [...this.all]) {
      conn.fail(new ReplayHttpError('cancelled', 'cancelled'), false);
      conn.close();
    }
  }
}

/**
 * One pool per target origin (a session has a few services at most). Deadlines and cancellation
 * are checked by one sweep timer for all requests, not a timer and a listener per request.
 */
export class ReplayAgent {
  private readonly pools = new Map<string, OriginPool>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweepEvery = Infinity;
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private readonly connections: number) {}

  send(req: ReplayHttpRequest, opts: SendOptions): Promise<SentResponse> {
    return new Promise<SentResponse>((resolve, reject) => this.dispatch(req, opts, resolve, reject));
  }

  /**
   * send() without a promise: `onAnswer` or `onError` is called exactly once, never before this
   * returns (a request that cannot be sent at all throws instead). The engine's max-rate path
   * uses it to put the next request on the wire from inside the previous answer's callback.
   */
  sendWith(req: ReplayHttpRequest, opts: SendOptions, onAnswer: (res: SentResponse) => void, onError: (err: ReplayHttpError) => void): void {
    if (opts.signal?.aborted) throw new ReplayHttpError('cancelled', 'cancelled');
    this.dispatch(req, opts, onAnswer, onError);
  }

  private dispatch(req: ReplayHttpRequest, opts: SendOptions, resolve: (res: SentResponse) => void, reject: (err: ReplayHttpError) => void): void {
    const { signal, timeoutMs } = opts;
    if (signal?.aborted) return reject(new ReplayHttpError('cancelled', 'cancelled'));
    let pool = this.pools.get(req.origin);
    if (!pool) {
      const { host, port, authority } = parseOrigin(req.origin);
      pool = new OriginPool(host, port, authority, Math.max(1, this.connections));
      this.pools.set(req.origin, pool);
    }
    const head = requestHead(req, pool.authority);
    if (signal && !this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.sweep(), { once: true });
    }
    this.startSweeper(timeoutMs);
    const now = performance.now();
    pool.dispatch({ head, body: req.body, method: req.method, deadline: now + timeoutMs, timeoutMs, started: now, retried: false, signal, resolve, reject });
  }

  private startSweeper(timeoutMs: number): void {
    // Fine enough for any deadline: a tenth of the shortest timeout, between 10 ms and 1 s.
    const every = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
    if (this.sweeper && every >= this.sweepEvery) return;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweepEvery = every;
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = performance.now();
    let busy = false;
    for (const pool of this.pools.values()) {
      pool.sweep(now);
      busy ||= pool.busy;
    }
    if (!busy && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      this.sweepEvery = Infinity;
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.sweepEvery = Infinity;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}

export function createReplayAgent(concurrency: number): ReplayAgent {
  return new ReplayAgent(concurrency);
}

/** `http://host:port` → where to connect, and the Host header. */
function parseOrigin(origin: string): { host: string; port: number; authority: string } {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    throw new ReplayHttpError(`not a URL: ${origin}`, 'invalid');
  }
  if (u.protocol !== 'http:') throw new ReplayHttpError(`replay sends plain HTTP; ${u.protocol}// targets are not supported (${origin})`, 'invalid');
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host, port: u.port ? Number(u.port) : 80, authority: u.host };
}

/** The request line and header block, exactly as sent. */
function requestHead(req: ReplayHttpRequest, authority: string): string {
  const path = req.path;
  if (!TOKEN_RE.test(req.method)) throw new ReplayHttpError(`invalid method "${req.method}"`, 'invalid');
  if (BAD_TARGET_RE.test(path)) throw new ReplayHttpError(`invalid request target "${path}" (whitespace or NUL)`, 'invalid');
  let head = `${req.method} ${path} HTTP/1.1\r\nHost: ${authority}\r\n`;
  for (const h of req.headers) {
    if (!TOKEN_RE.test(h.name)) throw new ReplayHttpError(`invalid header name "${h.name}"`, 'invalid');
    if (BAD_VALUE_RE.test(h.value)) throw new ReplayHttpError(`invalid value of header "${h.name}" (CR, LF or NUL)`, 'invalid');
    head += `${h.name}: ${h.value}\r\n`;
  }
  const length = req.body?.length ?? 0;
  if (length > 0 || EXPECTS_CONTENT.has(req.method)) head += `Content-Length: ${length}\r\n`;
  return head + '\r\n';
}

/** A header of an answer (repeated ones joined with ", "), names compared without case. */
export function responseHeader(res: SentResponse, name: string): string | undefined {
  const raw = res.rawHeaders;
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length !== name.length || (n !== name && n.toLowerCase() !== lower)) continue;
    found = found === undefined ? raw[i + 1]! : `${found}, ${raw[i + 1]!}`;
  }
  return found;
}

/** Send one request and collect the whole answer (rejects with a ReplayHttpError). */
export function sendRequest(agent: ReplayAgent, req: ReplayHttpRequest, opts: SendOptions): Promise<SentResponse> {
  try {
    return agent.send(req, opts);
  } catch (err) {
    return Promise.reject(err instanceof ReplayHttpError ? err : new ReplayHttpError((err as Error).message, 'other'));
  }
}
