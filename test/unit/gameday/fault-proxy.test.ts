// The fault proxy against real loopback sockets: bytes pass untouched with no fault (both ways,
// half-close kept), and each fault does what it says on new and on open connections, then stops
// when cleared. Time is only ever asserted as a lower bound (a fault delays at least this much),
// which a loaded machine cannot break.
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy, type ProxyRoute, type Upstream } from '../../../electron/services/gameday/fault-proxy';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Echo server: answers every chunk with "<prefix><chunk>"; ends when the client ends. */
async function echoServer(prefix = ''): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    n++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.on('data', (d: Buffer) => s.write(prefix ? Buffer.concat([Buffer.from(prefix), d]) : d));
    s.on('end', () => s.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }));
  return { port: (server.address() as AddressInfo).port, connections: () => n };
}

/** A server that sends `size` bytes and ends, whatever it is sent. */
async function blobServer(size: number): Promise<{ port: number; blob: Buffer }> {
  const blob = randomBytes(size);
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.end(blob);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, blob };
}

async function proxyTo(upstream: () => Upstream, opts: { random?: () => number } = {}): Promise<{ proxy: FaultProxy; port: number; resolved: () => number }> {
  let resolved = 0;
  // port 0: the OS picks (a real session binds the dependency's own port)
  const route: ProxyRoute = { service: 'store', port: 0 };
  const proxy = new FaultProxy({
    bindHost: '127.0.0.1',
    routes: [route],
    resolve: async () => {
      resolved++;
      return upstream();
    },
    ...(opts.random ? { random: opts.random } : {}),
  });
  expect(await proxy.start()).toEqual([]);
  cleanups.push(() => proxy.close());
  return { proxy, port: proxy.address('store', 0)!.port, resolved: () => resolved };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
    cleanups.push(() => void s.destroy());
  });
}

/** Write `text` and wait for `expected` bytes back; resolves with what came and how long it took. */
function exchange(s: net.Socket, text: string, expected: number): Promise<{ data: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString();
      if (got.length >= expected) {
        s.removeListener('data', onData);
        s.removeListener('error', reject);
        resolve({ data: got, ms: performance.now() - t0 });
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(text);
  });
}

function readAll(s: net.Socket): Promise<{ data: Buffer; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.once('end', () => resolve({ data: Buffer.concat(parts), ms: performance.now() - t0 }));
    s.once('error', reject);
  });
}

/** Resolves with the error code the socket dies with, or 'closed' / 'open after Nms'. */
function fate(s: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(`open after ${ms}ms`), ms);
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code ?? e.message);
    });
    s.once('close', () => {
      clearTimeout(t);
      resolve('closed');
    });
  });
}

describe('fault proxy', () => {
  it('forwards bytes untouched both ways with no fault, and keeps a half-close', async () => {
    const echo = await echoServer();
    const { port } = await proxyTo(() => ({ host: '127.0.0.1', port: echo.port }));
    const s = await connect(port);
    const payload = randomBytes(3 << 20);
    const got = readAll(s);
    s.end(payload); // half-close: the answer must still come back
    const { data } = await got;
    expect(data.equals(payload)).toBe(true);
  });

  it('latency holds the answers of new and open connections, in order, and stops when cleared', async () => {
    const echo = await echoServer('>');
    const { proxy, port } = await proxyTo(() => ({ host: '127.0.0.1', port: echo.port }));
    const open = await connect(port);
    expect((await exchange(open, 'a', 2)).data).toBe('>a');
    proxy.setFault('store', { kind: 'latency', latencyMs: 300 });
    const slowOpen = await exchange(open, 'b', 2);
    expect(slowOpen.data).toBe('>b');
    expect(slowOpen.ms).toBeGreaterThanOrEqual(295);
    const fresh = await connect(port);
    const parts = await exchange(fresh, 'xyz', 4);
    expect(parts.data).toBe('>xyz');
    expect(parts.ms).toBeGreaterThanOrEqual(295);
    proxy.setFault('store', null);
    // Cleared: the connection carries on, and nothing is held any more (no timing upper bound:
    // the point is that it still works and answers in order).
    expect((await exchange(open, 'c', 2)).data).toBe('>c');
    expect(proxy.activeFaults()).toEqual([]);
  });

  it('bandwidth paces the answers to kbPerS', async () => {
    const blob = await blobServer(60 * 1024);
    const { proxy, port } = await proxyTo(() => ({ host: '127.0.0.1', port: blob.port }));
    proxy.setFault('store', { kind: 'bandwidth', kbPerS: 100 });
    const s = await connect(port);
    const { data, ms } = await readAll(s);
    expect(data.equals(blob.blob)).toBe(true);
    // 60 KiB at 100 KiB/s: at least ~0.55 s (the first slice leaves at once)
    expect(ms).toBeGreaterThanOrEqual(540);
  });

  it('reset resets open connections when applied and new ones while active; cleared, connections work again', async () => {
    const echo = await echoServer();
    const { proxy, port } = await proxyTo(() => ({ host: '127.0.0.1', port: echo.port }));
    const open = await connect(port);
    expect((await exchange(open, 'a', 1)).data).toBe('a');
    const openFate = fate(open, 2000);
    proxy.setFault('store', { kind: 'reset' });
    expect(await openFate).toBe('ECONNRESET');
    const fresh = await connect(port).catch((e: NodeJS.ErrnoException) => e);
    if (fresh instanceof net.Socket) expect(await fate(fresh, 2000)).toBe('ECONNRESET');
    else expect(fresh.code).toBe('ECONNRESET');
    proxy.setFault('store', null);
    const after = await connect(port);
    expect((await exchange(after, 'ok', 2)).data).toBe('ok');
  });

  it('timeout lets nothing through until cleared, then everything held flows on', async () => {
    const echo = await echoServer('>');
    const { proxy, port } = await proxyTo(() => ({ host: '127.0.0.1', port: echo.port }));
    proxy.setFault('store', { kind: 'timeout' });
    const s = await connect(port);
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.write('hello');
    await new Promise((r) => setTimeout(r, 400));
    expect(got).toBe('');
    expect(echo.connections()).toBeLessThanOrEqual(1);
    proxy.setFault('store', null);
    await new Promise<void>((resolve) => {
      const check = () => (got === '>hello' ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(got).toBe('>hello');
  });

  it('toxicity: only the drawn share of connections is affected', async () => {
    const echo = await echoServer();
    const draws = [0.2, 0.8, 0.4, 0.9];
    const { proxy, port } = await proxyTo(() => ({ host: '127.0.0.1', port: echo.port }), { random: () => draws.shift() ?? 1 });
    proxy.setFault('store', { kind: 'reset', toxicity: 0.5 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await connect(port).catch(() => null);
      if (!s) {
        outcomes.push('reset');
        continue;
      }
      const r = await Promise.race([exchange(s, 'x', 1).then(() => 'ok'), fate(s, 2000).then((f) => (f === 'ECONNRESET' ? 'reset' : f))]);
      outcomes.push(r);
    }
    expect(outcomes).toEqual(['reset', 'ok', 'reset', 'ok']);
  });

  it('follows a dependency that moved: a failed connect looks the address up again', async () => {
    const first = await echoServer('1');
    const second = await echoServer('2');
    let target = first.port;
    const { proxy, port, resolved } = await proxyTo(() => ({ host: '127.0.0.1', port: target }));
    const a = await connect(port);
    expect((await exchange(a, 'x', 2)).data).toBe('1x');
    // The "container" restarts elsewhere: the old address refuses, the lookup gives the new one.
    target = second.port;
    proxy.invalidate('store');
    const b = await connect(port);
    expect((await exchange(b, 'y', 2)).data).toBe('2y');
    expect(resolved()).toBe(2);
  });

  it('a stale cached address is retried once with a fresh lookup', async () => {
    const old = net.createServer((c) => c.end('old'));
    await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
    const oldPort = (old.address() as AddressInfo).port;
    const moved = await echoServer('N');
    const answers = [oldPort, moved.port];
    const { port, resolved } = await proxyTo(() => ({ host: '127.0.0.1', port: answers.shift() ?? moved.port }));
    const first = await connect(port);
    expect((await readAll(first)).data.toString()).toBe('old');
    first.end();
    // The dependency went away from the cached address without the proxy hearing of it: the
    // next connection fails to connect there, looks the address up again and gets through.
    await new Promise<void>((r) => old.close(() => r()));
    const s = await connect(port);
    expect((await exchange(s, 'z', 2)).data).toBe('Nz');
    expect(resolved()).toBe(2);
  });

  it('reports a route whose port is taken instead of failing the others', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => taken.close(() => r())));
    const takenPort = (taken.address() as AddressInfo).port;
    const proxy = new FaultProxy({
      bindHost: '127.0.0.1',
      routes: [
        { service: 'a', port: takenPort },
        { service: 'b', port: 0 },
      ],
      resolve: async () => ({ host: '127.0.0.1', port: 1 }),
    });
    cleanups.push(() => proxy.close());
    const failed = await proxy.start();
    expect(failed.map((f) => f.route.service)).toEqual(['a']);
    expect(failed[0]!.error).toMatch(/EADDRINUSE/);
    expect(proxy.stats().routes.map((r) => r.service)).toEqual(['b']);
  });
});
