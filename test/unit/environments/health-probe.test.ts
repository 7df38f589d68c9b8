/**
 * The HTTP healthcheck probe (node:http, one GET): what counts as healthy, and why not otherwise,
 * against real local servers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe } from '../../../electron/services/environments/health';
import { httpOrigin } from '../../../electron/services/environments/host-address';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') res.end('fine');
    else if (req.url === '/moved') res.writeHead(302, { location: '/nowhere' }).end();
    else if (req.url === '/broken') res.writeHead(500).end('no');
    else if (req.url === '/stalls-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial'); // and never the rest
    }
    // /silent: never answers
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('httpProbe', () => {
  it('2xx and 3xx are healthy (a redirect is not followed)', async () => {
    expect(await httpProbe(`${base}/ok`, 2000)).toBeUndefined();
    expect(await httpProbe(`${base}/moved`, 2000)).toBeUndefined();
  });

  it('says why not: the status, a refused connection, no answer in time, a body that never ends', async () => {
    expect(await httpProbe(`${base}/broken`, 2000)).toBe('HTTP 500');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await httpProbe(`http://127.0.0.1:${closedPort}/health`, 2000)).toBe('ECONNREFUSED');
    const t0 = Date.now();
    expect(await httpProbe(`${base}/silent`, 300)).toBe('no answer within 300 ms');
    expect(await httpProbe(`${base}/stalls-body`, 300)).toBe('no answer within 300 ms');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a URL node:http refuses is a reason, not a throw; an IPv6 host is put in brackets', async () => {
    expect(await httpProbe('http://::1:8080/health', 300)).toMatch(/Invalid URL/);
    expect(httpOrigin({ host: '::1', port: 8080 })).toBe('http://[::1]:8080');
    expect(httpOrigin({ host: '127.0.0.1', port: 8080 })).toBe('http://127.0.0.1:8080');
  });
});
