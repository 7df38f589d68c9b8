// The replay's HTTP/1.1 client against real loopback servers (node:http, and raw node:net servers
// that read and write exact bytes): what goes on the wire, keep-alive reuse and its limit, how
// answers are framed, stale connections, errors, cancellation, header lookup and latency.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplayAgent, ReplayHttpError, responseHeader, sendRequest, type ReplayAgent, type ReplayHttpRequest, type SentResponse } from '../../../electron/services/replay/http-client';

// Servers here write slowly on purpose (`pause`): that is how a network behaves, not a wait in a test.
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** One more turn of the event loop's I/O phase: what the kernel already delivered (a FIN on loopback) has been read. */
const nextPoll = () => new Promise<void>((r) => setTimeout(() => setImmediate(r), 0));
/** A promise and the function that resolves it (for waiting on a server-side event). */
function signalled<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const text = (res: SentResponse) => Buffer.from(res.body).toString('utf8');

// ---- servers and agents, all closed after each test ----

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function agentOf(concurrency: number): ReplayAgent {
  const agent = createReplayAgent(concurrency);
  cleanups.push(() => agent.close());
  return agent;
}

interface Listening {
  origin: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
}

interface RawServer extends Listening {
  /** Every byte received, per connection. */
  received: Buffer[][];
}

/** A node:net server; `onSocket` decides what to write. */
async function rawServer(onSocket: (socket: net.Socket, index: number) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer();
  const state: RawServer = { origin: '', port: 0, connections: 0, received: [] };
  server.on('connection', (socket) => {
    const index = state.connections++;
    const bytes: Buffer[] = [];
    state.received.push(bytes);
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => bytes.push(d));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket, index);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return state;
}

interface RawRequest {
  head: string;
  body: Buffer;
}

/** Splits what a socket receives into requests (framed by Content-Length) and hands each over. */
function onRequests(socket: net.Socket, handle: (req: RawRequest, n: number) => void): void {
  let buf = Buffer.alloc(0);
  let n = 0;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end + 4).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = Buffer.from(buf.subarray(end + 4, end + 4 + length));
      buf = buf.subarray(end + 4 + length);
      handle({ head, body }, n++);
    }
  });
}

/** A raw server that answers every request with `answer` (bytes written as given). */
function answering(answer: string | ((req: RawRequest, n: number, socket: net.Socket) => void)) {
  return rawServer((socket) =>
    onRequests(socket, (req, n) => {
      if (typeof answer === 'string') socket.write(answer, 'latin1');
      else answer(req, n, socket);
    }),
  );
}

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening & { server: Server }> {
  const server = createServer(handler);
  const state = { origin: '', port: 0, connections: 0, server };
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return state;
}

const request = (origin: string, over: Partial<ReplayHttpRequest> = {}): ReplayHttpRequest => ({ origin, path: '/', method: 'GET', headers: [], body: null, ...over });
const OPTS = { timeoutMs: 3_000 };

/** The request must fail; returns its ReplayHttpError. */
async function failure(p: Promise<unknown>): Promise<ReplayHttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the request should have failed').toBeInstanceOf(ReplayHttpError);
  return err as ReplayHttpError;
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

// ---- tests ----

describe('what goes on the wire', () => {
  it('writes the request line, Host, the recorded headers in their order and case, Content-Length and the body bytes unchanged', async () => {
    const seen: RawRequest[] = [];
    const srv = await answering((req, _n, socket) => {
      seen.push(req);
      socket.write(OK);
    });
    const body = new TextEncoder().encode('{"name":"Zoë ✓ 日本","n":1}');
    const res = await sendRequest(
      agentOf(1),
      request(srv.origin, {
        method: 'POST',
        path: '/api/items?x=1&y=%20b&x=2',
        headers: [
          { name: 'X-Trace-Id', value: 'abc-123' },
          { name: 'content-type', value: 'application/json; charset=utf-8' },
          { name: 'ACCEPT', value: '*/*' },
          { name: 'x-trace-id', value: 'second' },
          { name: 'X-Empty', value: '' },
        ],
        body,
      }),
      OPTS,
    );
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.head).toBe(
      `POST /api/items?x=1&y=%20b&x=2 HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n` +
        'X-Trace-Id: abc-123\r\ncontent-type: application/json; charset=utf-8\r\nACCEPT: */*\r\nx-trace-id: second\r\nX-Empty: \r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    expect(body.length).toBeGreaterThan('{"name":"Zoë ✓ 日本","n":1}'.length);
    expect(seen[0]!.body.equals(Buffer.from(body))).toBe(true);
    // Nothing else was written: exactly head + body.
    expect(Buffer.concat(srv.received[0]!).length).toBe(Buffer.byteLength(seen[0]!.head, 'latin1') + body.length);
  });

  it('sends binary bodies byte for byte', async () => {
    const seen: RawRequest[] = [];
    const srv = await answering((req, _n, socket) => {
      seen.push(req);
      socket.write(OK);
    });
    const body = new Uint8Array(256).map((_, i) => i);
    await sendRequest(agentOf(1), request(srv.origin, { method: 'PUT', path: '/bin', body }), OPTS);
    expect(seen[0]!.head).toContain('\r\nContent-Length: 256\r\n');
    expect([...seen[0]!.body]).toEqual([...body]);
  });

  it('sends no Content-Length with a GET, and Content-Length: 0 with an empty POST (null or empty body)', async () => {
    const seen: RawRequest[] = [];
    const srv = await answering((req, _n, socket) => {
      seen.push(req);
      socket.write(OK);
    });
    const agent = agentOf(1);
    await sendRequest(agent, request(srv.origin, { path: '/g', headers: [{ name: 'Accept', value: 'text/html' }] }), OPTS);
    await sendRequest(agent, request(srv.origin, { method: 'POST', path: '/p1' }), OPTS);
    await sendRequest(agent, request(srv.origin, { method: 'POST', path: '/p2', body: new Uint8Array(0) }), OPTS);
    expect(seen.map((r) => r.head)).toEqual([
      `GET /g HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nAccept: text/html\r\n\r\n`,
      `POST /p1 HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Length: 0\r\n\r\n`,
      `POST /p2 HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Length: 0\r\n\r\n`,
    ]);
    expect(seen.every((r) => r.body.length === 0)).toBe(true);
    expect(srv.connections).toBe(1);
  });
});

describe('keep-alive', () => {
  it('sends many sequential requests over one connection when the limit is 1', async () => {
    const srv = await httpServer((req, res) => res.end(req.url));
    const agent = agentOf(1);
    for (let i = 0; i < 25; i++) {
      const res = await sendRequest(agent, request(srv.origin, { path: `/r${i}` }), OPTS);
      expect(text(res)).toBe(`/r${i}`);
    }
    expect(srv.connections).toBe(1);
  });

  it('opens at most `concurrency` connections for parallel requests, and has no more than that in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const srv = await httpServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(req.url);
      }, 30);
    });
    const agent = agentOf(3);
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => sendRequest(agent, request(srv.origin, { path: `/p${i}` }), OPTS)));
    expect(results.map(text)).toEqual(Array.from({ length: 9 }, (_, i) => `/p${i}`));
    expect(srv.connections).toBeLessThanOrEqual(3);
    expect(srv.connections).toBeGreaterThanOrEqual(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
  });
});

describe('reading answers', () => {
  it('reads a Content-Length body and keeps the headers as sent', async () => {
    const srv = await answering('HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-Case: MiXeD\r\nContent-Length: 11\r\n\r\nhello world');
    const res = await sendRequest(agentOf(1), request(srv.origin), OPTS);
    expect(res.status).toBe(201);
    expect(text(res)).toBe('hello world');
    expect(res.rawHeaders).toEqual(['Content-Type', 'text/plain', 'X-Case', 'MiXeD', 'Content-Length', '11']);
  });

  it('reads a chunked body written in separate, delayed writes (with a trailer), then reuses the connection', async () => {
    const srv = await answering((_req, n, socket) => {
      if (n > 0) return socket.write(OK);
      void (async () => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        for (const part of ['5\r\nhello\r\n', '1\r\n \r\n', 'b;ext=1\r\nchunked wor\r\n', '2\r\nld\r\n', '0\r\nX-Trailer: t\r\n\r\n']) {
          await pause(15);
          socket.write(part);
        }
      })();
    });
    const agent = agentOf(1);
    const res = await sendRequest(agent, request(srv.origin), OPTS);
    expect(res.status).toBe(200);
    expect(text(res)).toBe('hello chunked world');
    expect(text(await sendRequest(agent, request(srv.origin), OPTS))).toBe('ok');
    expect(srv.connections).toBe(1);
  });

  it('reads an HTTP/1.0 body delimited by the close, and opens a new connection for the next request', async () => {
    const srv = await answering((_req, _n, socket) => {
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
      setTimeout(() => socket.end('part two'), 20);
    });
    const agent = agentOf(1);
    expect(text(await sendRequest(agent, request(srv.origin), OPTS))).toBe('part one, part two');
    expect(text(await sendRequest(agent, request(srv.origin), OPTS))).toBe('part one, part two');
    expect(srv.connections).toBe(2);
  });

  it('reads an HTTP/1.1 body without length (Connection: close) until the close', async () => {
    const srv = await answering((_req, _n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc');
      setTimeout(() => socket.write('def'), 15);
      setTimeout(() => socket.end(), 30);
    });
    const res = await sendRequest(agentOf(1), request(srv.origin), OPTS);
    expect(text(res)).toBe('abcdef');
  });

  it('reads no body after a HEAD answer that announces a Content-Length, and the connection stays usable', async () => {
    const srv = await answering((req, _n, socket) => {
      if (req.head.startsWith('HEAD ')) socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter');
    });
    const agent = agentOf(1);
    const head = await sendRequest(agent, request(srv.origin, { method: 'HEAD' }), OPTS);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(responseHeader(head, 'content-length')).toBe('50');
    const next = await sendRequest(agent, request(srv.origin), OPTS);
    expect(text(next)).toBe('after');
    expect(srv.connections).toBe(1);
  });

  it('reads no body after 204 and 304 (even a 304 that repeats the Content-Length), and the connection stays usable', async () => {
    const answers = [
      'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
      // RFC 9110 §8.6: a 304 may carry the Content-Length the 200 would have had.
      'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 1234\r\n\r\n',
      OK,
    ];
    const srv = await answering((_req, n, socket) => socket.write(answers[n]!));
    const agent = agentOf(1);
    const opts = { timeoutMs: 1_000 };
    const a = await sendRequest(agent, request(srv.origin), opts);
    const b = await sendRequest(agent, request(srv.origin), opts);
    const c = await sendRequest(agent, request(srv.origin), opts);
    const d = await sendRequest(agent, request(srv.origin), opts);
    expect([a.status, b.status, c.status, d.status]).toEqual([204, 304, 304, 200]);
    expect([a.body.length, b.body.length, c.body.length]).toEqual([0, 0, 0]);
    expect(text(d)).toBe('ok');
    expect(srv.connections).toBe(1);
  });

  it('skips 100 Continue and 103 Early Hints: the result is the final answer with its own headers', async () => {
    const srv = await answering((_req, _n, socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      setTimeout(() => socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'), 10);
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 5\r\n\r\nfinal'), 20);
    });
    const agent = agentOf(1);
    const res = await sendRequest(agent, request(srv.origin, { method: 'POST', body: new TextEncoder().encode('x') }), OPTS);
    expect(res.status).toBe(200);
    expect(text(res)).toBe('final');
    expect(res.rawHeaders).toEqual(['X-Final', 'yes', 'Content-Length', '5']);
    // The connection is still in step: the next answer is read as the next answer.
    expect(text(await sendRequest(agent, request(srv.origin), OPTS))).toBe('final');
    expect(srv.connections).toBe(1);
  });

  it('reads answers that arrive one byte per write (chunked, then sized, on one connection)', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      'HTTP/1.1 202 Accepted\r\nContent-Length: 7\r\n\r\nsized!!',
    ];
    const srv = await answering((_req, n, socket) => {
      void (async () => {
        for (const byte of Buffer.from(answers[n]!, 'latin1')) {
          socket.write(Buffer.from([byte]));
          await pause(1);
        }
      })();
    });
    const agent = agentOf(1);
    const a = await sendRequest(agent, request(srv.origin), OPTS);
    expect([a.status, text(a)]).toEqual([200, 'hello world']);
    expect(responseHeader(a, 'content-type')).toBe('text/plain');
    const b = await sendRequest(agent, request(srv.origin), OPTS);
    expect([b.status, text(b)]).toEqual([202, 'sized!!']);
    expect(srv.connections).toBe(1);
  });
});

describe('Connection: close from the server', () => {
  it('opens a new connection for the next request, which succeeds', async () => {
    const srv = await httpServer((req, res) => {
      res.setHeader('Connection', 'close');
      res.end(`closing ${req.url}`);
    });
    const agent = agentOf(1);
    expect(text(await sendRequest(agent, request(srv.origin, { path: '/1' }), OPTS))).toBe('closing /1');
    expect(text(await sendRequest(agent, request(srv.origin, { path: '/2' }), OPTS))).toBe('closing /2');
    expect(text(await sendRequest(agent, request(srv.origin, { path: '/3' }), OPTS))).toBe('closing /3');
    expect(srv.connections).toBe(3);
  });

  it('does not reuse a connection whose answer said Connection: close even if the server keeps the socket open', async () => {
    const srv = await answering('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    const agent = agentOf(1);
    await sendRequest(agent, request(srv.origin), OPTS);
    await sendRequest(agent, request(srv.origin), OPTS);
    expect(srv.connections).toBe(2);
  });
});

describe('errors', () => {
  it('reports a refused connection as "refused"', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await failure(sendRequest(agentOf(1), request(`http://127.0.0.1:${port}`), OPTS));
    expect(err.kind).toBe('refused');
  });

  it('reports a server that never answers as "timeout", not before timeoutMs', async () => {
    const srv = await rawServer(() => {});
    const started = performance.now();
    const err = await failure(sendRequest(agentOf(1), request(srv.origin), { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // how soon after is bench/'s business
    expect(srv.connections).toBe(1);
  });

  it('reports a connection destroyed in the middle of a body as "reset"', async () => {
    const srv = await answering((_req, _n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b');
      setTimeout(() => socket.destroy(), 20);
    });
    const err = await failure(sendRequest(agentOf(1), request(srv.origin), OPTS));
    expect(err.kind).toBe('reset');
  });

  it('reports a connection cut in the middle of a chunked body as "reset"', async () => {
    const srv = await answering((_req, _n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
      setTimeout(() => socket.end(), 20);
    });
    const err = await failure(sendRequest(agentOf(1), request(srv.origin), OPTS));
    expect(err.kind).toBe('reset');
  });

  it('reports a malformed status line as "other" (malformed answer)', async () => {
    const srv = await answering('HTXP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const err = await failure(sendRequest(agentOf(1), request(srv.origin), OPTS));
    expect(err.kind).toBe('other');
    expect(err.message).toMatch(/malformed/);
  });

  it('refuses requests that could smuggle a second one ("invalid"), and writes nothing to the server', async () => {
    const seen: RawRequest[] = [];
    const srv = await answering((req, _n, socket) => {
      seen.push(req);
      socket.write(OK);
    });
    const agent = agentOf(1);
    const bad: Partial<ReplayHttpRequest>[] = [
      { headers: [{ name: 'X-Bad Name', value: '1' }] },
      { headers: [{ name: 'X-Bad:', value: '1' }] },
      { headers: [{ name: '', value: '1' }] },
      { headers: [{ name: 'X-Ok', value: '1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x' }] },
      { headers: [{ name: 'X-Ok', value: 'a\nb' }] },
      { headers: [{ name: 'X-Ok', value: 'a\0b' }] },
      { method: 'GET /smuggled HTTP/1.1\r\n\r\nGET' },
      { method: 'GE T' },
      { method: '' },
      { path: '/a b' },
      { path: '/a\r\nX-Injected: 1' },
    ];
    for (const over of bad) {
      const err = await failure(sendRequest(agent, request(srv.origin, over), OPTS));
      expect(err.kind, JSON.stringify(over)).toBe('invalid');
    }
    // A valid request afterwards goes out alone, on the first connection ever made: nothing of
    // the refused ones connected or was queued.
    await sendRequest(agent, request(srv.origin, { path: '/good' }), OPTS);
    expect(srv.connections).toBe(1);
    expect(seen.map((r) => r.head)).toEqual([`GET /good HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`]);
    expect(Buffer.concat(srv.received.flat()).toString('latin1')).toBe(seen[0]!.head);
  });

  it('refuses https and other non-http origins as "invalid"', async () => {
    const agent = agentOf(1);
    expect((await failure(sendRequest(agent, request('https://127.0.0.1:1'), OPTS))).kind).toBe('invalid');
    expect((await failure(sendRequest(agent, request('ftp://127.0.0.1:1'), OPTS))).kind).toBe('invalid');
    expect((await failure(sendRequest(agent, request('not a url'), OPTS))).kind).toBe('invalid');
  });
});

describe('stale keep-alive connections', () => {
  it('does not reuse a connection the server closed while it was idle: GET and POST go out on a new one', async () => {
    const seen: string[] = [];
    let closed = signalled();
    const srv = await answering((req, _n, socket) => {
      seen.push(req.head.split('\r\n')[0]!);
      socket.write(OK);
      socket.once('close', () => closed.resolve());
      setTimeout(() => socket.destroy(), 50);
    });
    const agent = agentOf(1);
    // wait for the server to close the idle connection, and for the client to have read that
    const idleClosed = async () => {
      await closed.promise;
      closed = signalled();
      await nextPoll();
    };
    await sendRequest(agent, request(srv.origin), OPTS);
    await idleClosed();
    expect(text(await sendRequest(agent, request(srv.origin, { path: '/get' }), OPTS))).toBe('ok');
    await idleClosed();
    expect(text(await sendRequest(agent, request(srv.origin, { method: 'POST', path: '/post', body: new TextEncoder().encode('b') }), OPTS))).toBe('ok');
    expect(srv.connections).toBe(3);
    expect(seen).toEqual(['GET / HTTP/1.1', 'GET /get HTTP/1.1', 'POST /post HTTP/1.1']);
  });

  /** A server that answers the first request on each connection and closes it on the second (the keep-alive race). */
  async function closingOnSecondRequest() {
    const seen: string[] = [];
    const srv = await answering((req, n, socket) => {
      seen.push(req.head.split('\r\n')[0]!);
      if (n === 0) socket.write(OK);
      else socket.destroy();
    });
    return { srv, seen };
  }

  it('sends a GET again on a new connection when a reused one closes before any answer', async () => {
    const { srv, seen } = await closingOnSecondRequest();
    const agent = agentOf(1);
    await sendRequest(agent, request(srv.origin, { path: '/first' }), OPTS);
    const res = await sendRequest(agent, request(srv.origin, { path: '/again' }), OPTS);
    expect(text(res)).toBe('ok');
    expect(srv.connections).toBe(2);
    expect(seen).toEqual(['GET /first HTTP/1.1', 'GET /again HTTP/1.1', 'GET /again HTTP/1.1']);
  });

  it('does not send a POST twice: it fails with "reset" when the reused connection closes before any answer', async () => {
    const { srv, seen } = await closingOnSecondRequest();
    const agent = agentOf(1);
    await sendRequest(agent, request(srv.origin, { path: '/first' }), OPTS);
    const err = await failure(sendRequest(agent, request(srv.origin, { method: 'POST', path: '/pay', body: new TextEncoder().encode('{"amount":1}') }), OPTS));
    expect(err.kind).toBe('reset');
    // A request sent afterwards is the next one the server sees: the POST was not sent again.
    await sendRequest(agent, request(srv.origin, { path: '/fence' }), OPTS);
    expect(seen).toEqual(['GET /first HTTP/1.1', 'POST /pay HTTP/1.1', 'GET /fence HTTP/1.1']);
  });

  it('does not send a GET twice when the connection was new (nothing stale about it)', async () => {
    const srv = await answering((_req, _n, socket) => socket.destroy());
    const err = await failure(sendRequest(agentOf(1), request(srv.origin), OPTS));
    expect(err.kind).toBe('reset');
    await nextPoll(); // a second attempt would have connected by now
    expect(srv.connections).toBe(1);
  });
});

describe('cancellation', () => {
  it('rejects with "cancelled" when the signal aborts in flight (long before any deadline), closes that connection, and the agent goes on working', async () => {
    const received = signalled();
    const serverSideClosed = signalled();
    const srv = await answering((req, _n, socket) => {
      socket.once('close', () => serverSideClosed.resolve());
      if (req.head.startsWith('GET /ok ')) socket.write(OK);
      else received.resolve();
    });
    const agent = agentOf(1);
    const controller = new AbortController();
    const pending = sendRequest(agent, request(srv.origin, { path: '/hang' }), { timeoutMs: 30_000, signal: controller.signal });
    await received.promise; // in flight
    controller.abort();
    const err = await failure(pending);
    expect(err.kind).toBe('cancelled');
    await serverSideClosed.promise;
    expect(text(await sendRequest(agent, request(srv.origin, { path: '/ok' }), OPTS))).toBe('ok');
  });

  it('rejects at once with "cancelled" for an already aborted signal, without connecting', async () => {
    const srv = await answering(OK);
    const agent = agentOf(1);
    const err = await failure(sendRequest(agent, request(srv.origin), { timeoutMs: 5_000, signal: AbortSignal.abort() }));
    expect(err.kind).toBe('cancelled');
    await sendRequest(agent, request(srv.origin), OPTS); // the first connection ever made is this one's
    expect(srv.connections).toBe(1);
  });

  it('cancels a request waiting for a free connection when its signal aborts', async () => {
    const connected = signalled();
    const srv = await rawServer(() => connected.resolve());
    const agent = agentOf(1);
    const first = sendRequest(agent, request(srv.origin), { timeoutMs: 30_000 });
    const controller = new AbortController();
    const queued = sendRequest(agent, request(srv.origin), { timeoutMs: 30_000, signal: controller.signal });
    await connected.promise; // the first holds the only connection; the second waits
    controller.abort();
    expect((await failure(queued)).kind).toBe('cancelled');
    await agent.close();
    expect((await failure(first)).kind).toBe('cancelled');
  });

  it('agent.close() rejects requests in flight and waiting with "cancelled"', async () => {
    const connected = signalled();
    const srv = await rawServer(() => connected.resolve());
    const agent = agentOf(1);
    const inFlight = sendRequest(agent, request(srv.origin, { path: '/a' }), { timeoutMs: 5_000 });
    const waiting = sendRequest(agent, request(srv.origin, { path: '/b' }), { timeoutMs: 5_000 });
    await connected.promise;
    await agent.close();
    const [a, b] = await Promise.all([failure(inFlight), failure(waiting)]);
    expect([a.kind, b.kind]).toEqual(['cancelled', 'cancelled']);
    await nextPoll();
    // The waiting one was never sent: no second connection opened for it.
    expect(srv.connections).toBe(1);
  });
});

describe('responseHeader', () => {
  it('finds a header whatever the case of either name, and joins repeated ones with ", "', async () => {
    const srv = await answering('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Multi: a\r\nx-multi: b\r\nX-MULTI: c\r\nContent-Length: 2\r\n\r\nok');
    const res = await sendRequest(agentOf(1), request(srv.origin), OPTS);
    expect(responseHeader(res, 'content-type')).toBe('text/plain');
    expect(responseHeader(res, 'Content-Type')).toBe('text/plain');
    expect(responseHeader(res, 'CONTENT-TYPE')).toBe('text/plain');
    expect(responseHeader(res, 'x-multi')).toBe('a, b, c');
    expect(responseHeader(res, 'X-Multi')).toBe('a, b, c');
    expect(responseHeader(res, 'x-missing')).toBeUndefined();
    expect(responseHeader(res, 'x-mult')).toBeUndefined();
  });
});

describe('latency', () => {
  it('measures at least the time the server took to answer', async () => {
    const srv = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 100));
    const res = await sendRequest(agentOf(1), request(srv.origin), OPTS);
    expect(text(res)).toBe('slow');
    expect(res.latencyMs).toBeGreaterThanOrEqual(90); // never less than the server took
  });
});
