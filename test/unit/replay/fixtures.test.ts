import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureBook } from '../../../shared/replay/fixtures';
import { parseHar } from '../../../shared/replay/har';
import { forwarderImage, forwarderScript, startFixturesServer, type FixturesServer, type UnmatchedRequest } from '../../../electron/services/replay/fixtures-stub';

const entry = (method: string, url: string, reqBody: string | undefined, status: number, body: string, extra: { name: string; value: string }[] = []) => ({
  startedDateTime: '2026-11-20T14:00:00Z',
  time: 40,
  request: { method, url, headers: [{ name: 'Host', value: new URL(url).host }], ...(reqBody !== undefined ? { postData: { mimeType: 'application/json', text: reqBody } } : {}) },
  response: { status, headers: [{ name: 'Content-Type', value: 'application/json' }, { name: 'Transfer-Encoding', value: 'chunked' }, ...extra], content: { mimeType: 'application/json', text: body } },
});

const entries = parseHar(
  JSON.stringify({
    log: {
      version: '1.2',
      entries: [
        entry('POST', 'http://payments.example.com/v1/carts/a/authorizations', '{"amount":"1.00","currency":"EUR"}', 200, '{"id":"auth_1","status":"approved"}'),
        entry('GET', 'http://payments.example.com/v1/status?x=1&y=2', undefined, 200, '{"n":1}'),
        entry('GET', 'http://payments.example.com/v1/status?x=1&y=2', undefined, 200, '{"n":2}'),
        entry('GET', 'http://rates.example.com:8081/eur', undefined, 200, '{"rate":1}', [{ name: 'Content-Encoding', value: 'br' }]),
        entry('GET', 'https://secure.example.com/x', undefined, 200, '{}'),
      ],
    },
  }),
  'fixtures/payments.har',
);

describe('FixtureBook', () => {
  it('lists hosts with their ports', () => {
    expect(new FixtureBook(entries).hosts()).toEqual([
      { host: 'payments.example.com', port: 80, https: false },
      { host: 'rates.example.com', port: 8081, https: false },
      { host: 'secure.example.com', port: 443, https: true },
    ]);
  });

  it('matches method, host, path, query (any order by default) and JSON body as data', () => {
    const book = new FixtureBook(entries);
    const body = new TextEncoder().encode('{ "currency": "EUR", "amount": "1.00" }');
    const hit = book.match({ method: 'POST', host: 'PAYMENTS.example.com', target: '/v1/carts/a/authorizations', body });
    expect('entry' in hit && hit.index).toBe(0);
    const q = book.match({ method: 'GET', host: 'payments.example.com', target: '/v1/status?y=2&x=1', body: new Uint8Array() });
    expect('entry' in q && q.index).toBe(1);
    const strict = new FixtureBook(entries, { query: 'exact', body: 'exact' });
    expect('miss' in strict.match({ method: 'GET', host: 'payments.example.com', target: '/v1/status?y=2&x=1', body: new Uint8Array() })).toBe(true);
    expect('miss' in strict.match({ method: 'POST', host: 'payments.example.com', target: '/v1/carts/a/authorizations', body })).toBe(true);
    const loose = new FixtureBook(entries, { query: 'unordered', body: 'ignore' });
    expect('entry' in loose.match({ method: 'POST', host: 'payments.example.com', target: '/v1/carts/a/authorizations', body: new Uint8Array([1]) })).toBe(true);
  });

  it('serves repeated recordings in order, then repeats the last', () => {
    const book = new FixtureBook(entries);
    const req = { method: 'GET', host: 'payments.example.com', target: '/v1/status?x=1&y=2', body: new Uint8Array() };
    const seq = [1, 2, 3].map(() => {
      const m = book.match(req);
      return 'entry' in m ? m.index : -1;
    });
    expect(seq).toEqual([1, 2, 2]);
  });

  it('says which part of the closest recording differs', () => {
    const m = new FixtureBook(entries).match({ method: 'POST', host: 'payments.example.com', target: '/v1/carts/zzz/authorizations', body: new Uint8Array() });
    expect('miss' in m && m.miss).toEqual({ reason: 'closest recording differs in: path /v1/carts/a/authorizations, body', closest: 'POST http://payments.example.com/v1/carts/a/authorizations' });
  });
});

/** node:http, because fetch will not let a caller choose the Host header. */
function send(port: number, method: string, path: string, host: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: host, ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('fixtures server (loopback)', () => {
  let server: FixturesServer;
  const misses: UnmatchedRequest[] = [];
  beforeAll(async () => {
    server = await startFixturesServer({ entries, host: '127.0.0.1', onUnmatched: (u) => misses.push(u) });
  });
  afterAll(() => server.close());

  it('answers the recorded response by Host header, without hop-by-hop or stale encoding headers', async () => {
    const res = await send(server.port, 'POST', '/v1/carts/a/authorizations', 'payments.example.com', '{"amount":"1.00","currency":"EUR"}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ id: 'auth_1', status: 'approved' });
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBe(String(res.text.length));
    // br was recorded but the HAR holds decoded text: the stub must not claim br.
    const rates = await send(server.port, 'GET', '/eur', 'rates.example.com:8081');
    expect(rates.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(rates.text)).toEqual({ rate: 1 });
    // Proxy form: an absolute URL names the host (clients honouring http_proxy).
    const proxied = await send(server.port, 'GET', 'http://payments.example.com/v1/status?x=1&y=2', 'ignored.example');
    expect(JSON.parse(proxied.text)).toEqual({ n: 1 });
  });

  it('answers 502 to an unmatched request and logs it', async () => {
    const res = await send(server.port, 'POST', '/v1/refunds', 'payments.example.com', 'x');
    expect(res.status).toBe(502);
    expect(res.headers['x-repro-fixture']).toBe('unmatched');
    expect(misses.at(-1)).toMatchObject({ method: 'POST', host: 'payments.example.com', target: '/v1/refunds', bodyPreview: 'x' });
    expect(server.unmatched).toHaveLength(1);
  });
});

describe('forwarder', () => {
  it('builds one persistent listener per port, and refuses odd upstream hosts', () => {
    expect(forwarderScript([80, 8081], '172.20.0.1', 40123)).toBe(
      '/bin/busybox nc -ll -p 80 -e /bin/busybox nc 172.20.0.1 40123 &\n/bin/busybox nc -ll -p 8081 -e /bin/busybox nc 172.20.0.1 40123 &\nwait',
    );
    expect(() => forwarderScript([80], 'x; rm -rf /', 1)).toThrow(/unexpected upstream host/);
  });
  it('builds the same image every time', async () => {
    expect((await forwarderImage()).archive.id).toBe((await forwarderImage()).archive.id);
  });
});
