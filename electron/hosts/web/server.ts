import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WorkbenchError } from '../../../shared/api/errors';
import { OP_ID_PATTERN } from '../../../shared/api/operations';
import { callContext, dispatch } from '../../api/dispatch';
import type { Workbench } from '../../services/workbench';
import { contentSecurityPolicy } from '../csp';

/**
 * `repro serve`: the renderer and the API contract over HTTP + WebSocket for a browser.
 * Security model (docs/security.md): loopback by default; every /api/ request needs the random
 * token printed in the URL (401 without it), as a header on calls and in `?token=` only on the
 * event socket (browsers cannot set headers there); a Host header other than the one we serve
 * gets 421, so a DNS-rebinding page cannot talk to us even from the user's own browser; an Origin
 * other than ours gets 403 on calls and on the socket (defence in depth should the token leak);
 * bodies larger than any input the contract accepts get 413.
 *
 * Clients: a page names itself with a random client id (the `client` query parameter of its
 * event socket, the x-repro-client header of its calls), so what it subscribes to through a call
 * (log follows, watched operations) is sent on its own socket only and ends when that closes.
 * The socket's first message is `{hello: {client, instance, seq}}`: a page that reconnects
 * catches up with op.list({since: seq}) and learns from `instance` whether the backend restarted.
 */
export interface WebHostOptions {
  wb: Workbench;
  port?: number; // 0 = any free port
  host?: string; // default 127.0.0.1
  rendererDir: string;
  token?: string;
}

export interface WebHost {
  url: string; // includes the token
  origin: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The largest input field of the contract is a runbook's text (5,000,000 UTF-16 units, at most
 * 15 MB as UTF-8); a body beyond 16 MiB cannot be a valid call.
 */
export const MAX_API_BODY_BYTES = 16 * 1024 * 1024;
/** How much of a refused body is read and dropped so the client gets the 413; beyond, the socket closes. */
const MAX_DRAINED_BYTES = 128 * 1024 * 1024;
/** Live data waits while a socket has more than this queued (a slow tab paces a trace load). */
const SOCKET_HIGH_WATER_BYTES = 8 * 1024 * 1024;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  const wildcard = wildcardBindProblem(bindHost);
  if (wildcard) throw new WorkbenchError('invalid_argument', wildcard);
  const token = opts.token ?? randomBytes(24).toString('hex');
  const rendererDir = resolve(opts.rendererDir);
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const tokenOk = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const requestToken = (req: IncomingMessage, url: URL, opts: { query?: boolean } = {}): string | undefined => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    const header = req.headers['x-repro-token'];
    if (typeof header === 'string') return header;
    // Only the WebSocket (browsers cannot set its headers) takes the token from the URL, where it
    // could end up in logs and history; calls must send it as a header.
    return opts.query ? (url.searchParams.get('token') ?? undefined) : undefined;
  };
  /** No Origin (CLI clients, curl) or exactly one we serve; a page elsewhere gets 403. */
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return allowedOrigins.has(origin.toLowerCase());
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { name: 'Error', code: 'internal', message: String(err) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      sendJson(res, 421, { error: { name: 'WorkbenchError', code: 'forbidden', message: `Host "${req.headers.host ?? ''}" is not served here` } });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://internal');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (!tokenOk(requestToken(req, url))) {
        sendJson(res, 401, { error: { name: 'WorkbenchError', code: 'unauthorized', message: 'Missing or invalid token' } });
        return;
      }
      if (!originOk(req)) {
        sendJson(res, 403, { error: { name: 'WorkbenchError', code: 'forbidden', message: `Origin "${req.headers.origin}" may not call this API` } });
        return;
      }
      const m = /^\/api\/call\/([A-Za-z0-9_.-]+)$/.exec(url.pathname);
      if (!m || req.method !== 'POST') {
        sendJson(res, 404, { error: { name: 'WorkbenchError', code: 'not_found', message: `No API route ${req.method} ${url.pathname}` } });
        return;
      }
      let input: unknown;
      try {
        const body = await readBody(req);
        if (body === 'too_large') {
          res.setHeader('connection', 'close');
          sendJson(res, 413, { error: { name: 'WorkbenchError', code: 'invalid_argument', message: `Request body larger than ${MAX_API_BODY_BYTES} bytes; no API input is that large` } });
          return;
        }
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch (err) {
        sendJson(res, 400, { error: { name: 'WorkbenchError', code: 'invalid_argument', message: `Request body: ${(err as Error).message}` } });
        return;
      }
      const clientHeader = req.headers['x-repro-client'];
      const client = typeof clientHeader === 'string' && CLIENT_ID.test(clientHeader) ? `web:${clientHeader}` : `web-anonymous:${randomBytes(8).toString('hex')}`;
      const opHeader = req.headers['x-repro-op'];
      const opId = typeof opHeader === 'string' && OP_ID_PATTERN.test(opHeader) ? opHeader : undefined;
      // A plain call whose caller went away is cancelled (operations live on: op.cancel stops them).
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const reply = await dispatch(m[1]!, input, callContext(opts.wb, client, gone.signal), opId ? { opId } : {});
      // RPC semantics: the transport succeeded, so 200; the reply itself says {result}|{error}.
      // (HTTP statuses are kept for transport failures: 401 token, 421 host, 404 route, 400 body.)
      sendJson(res, 200, reply);
      return;
    }
    serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    if (!existsSync(join(rendererDir, 'index.html'))) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`The renderer is not built (${rendererDir} has no index.html). Run \`npm run build\`.\n`);
      return;
    }
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(rendererDir, rel);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) file = join(rendererDir, 'index.html'); // SPA fallback
    const ext = extname(file);
    res.writeHead(200, {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy('web'),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=3600',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://internal');
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return reject(421, 'Misdirected Request');
    if (url.pathname !== '/api/events') return reject(404, 'Not Found');
    if (!tokenOk(requestToken(req, url, { query: true }))) return reject(401, 'Unauthorized');
    if (!originOk(req)) return reject(403, 'Forbidden');
    const asked = url.searchParams.get('client');
    const clientId = asked && CLIENT_ID.test(asked) ? asked : randomBytes(12).toString('base64url');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const waiting: (() => void)[] = [];
      const wake = () => {
        if (ws.bufferedAmount > SOCKET_HIGH_WATER_BYTES && ws.readyState === ws.OPEN) return;
        for (const w of waiting.splice(0)) w();
      };
      const conn = opts.wb.events.connect(
        `web:${clientId}`,
        (event, payload) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }), wake);
        },
        {
          drained: () =>
            ws.bufferedAmount <= SOCKET_HIGH_WATER_BYTES || ws.readyState !== ws.OPEN ? Promise.resolve() : new Promise<void>((r) => waiting.push(r)),
        },
      );
      ws.send(JSON.stringify({ hello: { client: clientId, instance: opts.wb.ops.instance, seq: opts.wb.ops.lastSeq } }));
      ws.on('close', () => {
        conn.close();
        sockets.delete(ws);
        for (const w of waiting.splice(0)) w();
      });
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, bindHost, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  allowedHosts = new Set([`${urlHost}:${port}`.toLowerCase()]);
  if (isLoopback(bindHost)) {
    allowedHosts.add(`localhost:${port}`);
    allowedHosts.add(`127.0.0.1:${port}`);
    allowedHosts.add(`[::1]:${port}`);
  }
  const origin = `http://${urlHost}:${port}`;
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    server,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A wildcard bind (0.0.0.0, ::) listens on every interface but has no name a browser could send
 * as Host, so every request would be refused (421): refused up front, saying what to do instead.
 */
export function wildcardBindProblem(host: string): string | undefined {
  if (!/^(0\.0\.0\.0|::|\[::\]|0:0:0:0:0:0:0:0|)$/.test(host.trim())) return undefined;
  return `--host ${host || '""'} would listen on every interface, and the workbench answers only requests addressed to the name it serves. Give the address of the one interface to share on (e.g. --host 192.168.1.20; the URL printed is then the one to open). The workbench speaks plain HTTP with a token in the URL: share it only on a network you trust, or keep the default (127.0.0.1) and forward a port (ssh -L 8080:127.0.0.1:8080 host).`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * The body, or 'too_large' as soon as it (or its Content-Length) passes the limit. The rest of a
 * refused body is read and dropped (up to MAX_DRAINED_BYTES) so the client, still sending, gets
 * to read the 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      resolveBody('too_large');
    };
    if (Number(req.headers['content-length'] ?? 0) > MAX_API_BODY_BYTES) refuse();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) {
        if (size > MAX_DRAINED_BYTES) req.destroy();
        return;
      }
      if (size > MAX_API_BODY_BYTES) return refuse();
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) resolveBody(Buffer.concat(chunks));
    });
    req.on('error', rejectBody);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}
