import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReplayRequest, createTargetMapper, ingressService, mapTarget, parseHostMapping, pathAndQuery, replayHeaders, type ReplayTargetService } from '../../../shared/replay/request';
import type { HarEntry } from '../../../shared/replay/har';

const services: ReplayTargetService[] = [
  { name: 'checkout', ingressPort: 8080, endpoints: [{ container: 8080, url: 'http://127.0.0.1:49153' }, { container: 9090, url: 'http://127.0.0.1:49154' }] },
  { name: 'pricing', ingressPort: undefined, endpoints: [] },
];

describe('replayHeaders', () => {
  it('drops hop-by-hop, Host, content-length, pseudo-headers and headers named by Connection', () => {
    const out = replayHeaders([
      { name: 'Host', value: 'checkout:8080' },
      { name: 'Connection', value: 'keep-alive, X-Trace-Hop' },
      { name: 'x-trace-hop', value: '1' },
      { name: 'Keep-Alive', value: 'timeout=5' },
      { name: 'Transfer-Encoding', value: 'chunked' },
      { name: 'Content-Length', value: '12' },
      { name: ':authority', value: 'x' },
      { name: 'Accept', value: 'application/json' },
      { name: 'Cookie', value: 'a=1' },
      { name: 'Accept', value: 'text/plain' },
    ]);
    expect(out).toEqual([
      { name: 'Accept', value: 'application/json' },
      { name: 'Cookie', value: 'a=1' },
      { name: 'Accept', value: 'text/plain' },
    ]);
  });
});

describe('mapTarget', () => {
  it('sends to the ingress endpoint of the service named by the host, keeping path and query bytes', () => {
    const t = mapTarget('http://checkout:8080/cart/42?x=%2F&x=2&y', services);
    expect(t).toEqual({ ok: true, service: 'checkout', origin: 'http://127.0.0.1:49153', path: '/cart/42?x=%2F&x=2&y', url: 'http://127.0.0.1:49153/cart/42?x=%2F&x=2&y' });
  });
  it('explains unknown hosts and services without ingress', () => {
    const a = mapTarget('http://shop.example.com/', services);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.reason).toMatch(/"shop\.example\.com" is not a service of the session \(checkout, pricing\) and the bundle marks no ingress port/);
    const b = mapTarget('http://pricing:9000/', services);
    expect(!b.ok && b.reason).toMatch(/no ingress port/);
  });
});

describe('routing hosts that are not service names', () => {
  const marked: ReplayTargetService[] = [
    { name: 'checkout', ingressPort: 8080, ingress: true, endpoints: [{ container: 8080, url: 'http://127.0.0.1:49153' }] },
    { name: 'pricing', ingressPort: 9000, endpoints: [{ container: 9000, url: 'http://127.0.0.1:49160' }] },
    { name: 'admin', ingressPort: 7000, endpoints: [{ container: 7000, url: 'http://127.0.0.1:49170' }] },
  ];
  it('sends 127.0.0.1:PORT and public names to the ingress service, service names to themselves, and lists each host once', () => {
    const map = createTargetMapper(marked);
    expect(map('http://127.0.0.1:41235/cgi-bin/checkout?cart=small')).toMatchObject({ ok: true, service: 'checkout', url: 'http://127.0.0.1:49153/cgi-bin/checkout?cart=small' });
    expect(map('https://shop.example.com/a')).toMatchObject({ ok: true, service: 'checkout', url: 'http://127.0.0.1:49153/a' });
    expect(map('http://pricing:9000/p')).toMatchObject({ ok: true, service: 'pricing', url: 'http://127.0.0.1:49160/p' });
    map('http://127.0.0.1:41235/again');
    expect(map.routes()).toEqual([
      { host: '127.0.0.1:41235', service: 'checkout', via: 'ingress' },
      { host: 'shop.example.com', service: 'checkout', via: 'ingress' },
      { host: 'pricing:9000', service: 'pricing', via: 'service-name' },
    ]);
  });
  it('--host-map wins over both, host:port before host, and is parsed strictly', () => {
    const map = createTargetMapper(marked, [parseHostMapping('127.0.0.1:3001=admin'), parseHostMapping('localhost=pricing'), parseHostMapping('pricing=admin')]);
    expect(map('http://127.0.0.1:3001/x')).toMatchObject({ service: 'admin' });
    expect(map('http://127.0.0.1:3002/x')).toMatchObject({ service: 'checkout' });
    expect(map('http://LOCALHOST:8123/x')).toMatchObject({ service: 'pricing' });
    expect(map('http://pricing:9000/x')).toMatchObject({ service: 'admin' });
    expect(map.routes().map((r) => r.via)).toEqual(['host-map', 'ingress', 'host-map', 'host-map']);
    expect(parseHostMapping('[::1]:8080=checkout')).toEqual({ host: '[::1]', port: 8080, service: 'checkout' });
    expect(() => parseHostMapping('shop.example.com')).toThrow(/expected HOST\[:PORT\]=SERVICE/);
    expect(() => parseHostMapping('a:99999=checkout')).toThrow(/port 99999/);
    expect(() => parseHostMapping('a=Checkout Service')).toThrow(/expected HOST/);
  });
  it('with several ingress services and no host map, says so instead of guessing', () => {
    const two = marked.map((s) => (s.name === 'admin' ? { ...s, ingress: true } : s));
    expect(ingressService(two)).toEqual({ ok: false, reason: expect.stringMatching(/2 ingress services \(checkout, admin\)/) });
    const r = createTargetMapper(two)('http://127.0.0.1:1/x');
    expect(!r.ok && r.reason).toMatch(/--host-map/);
    expect(createTargetMapper(two, [parseHostMapping('127.0.0.1=admin')])('http://127.0.0.1:1/x')).toMatchObject({ ok: true, service: 'admin' });
    // A bundle with one service needs no marking.
    expect(ingressService([marked[0]!].map((s) => ({ ...s, ingress: false })))).toEqual({ ok: true, name: 'checkout' });
  });
});

describe('pathAndQuery', () => {
  // The fast path cuts path and query out of the string; it must give what the WHATWG parser gives.
  const whatwg = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  it('matches the URL parser on tricky paths and queries', () => {
    for (const url of [
      'http://checkout:8080/cart/42?x=%2F&x=2&y',
      'http://checkout:8080',
      'http://checkout:8080?x=1',
      'http://checkout/a/./b/../c',
      'http://checkout/a/%2e%2E/c',
      'http://checkout/a/..',
      'http://checkout/a b?c d',
      "http://checkout/it's?q='1'",
      'http://checkout/a\\b',
      'http://checkout/über?ö=1',
      'http://checkout/x#frag',
      'http://user:pw@checkout/x',
      'HTTP://CHECKOUT:80/X?Y',
      'http://checkout/a|b^c{d}[e]`f"g<h>',
      'http://checkout/%zz?%zz',
      'http://checkout//double//slash',
    ]) {
      expect(pathAndQuery(url).path, url).toBe(whatwg(url));
    }
  });
  it('matches the URL parser on generated URLs', () => {
    const char = fc.constantFrom(...'abceEXYZ0129-._~!$&\'()*+,;=:@%/?#. "<>`{}|\\^[]é'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const url = `http://svc:8080/${chars.join('')}`;
        expect(pathAndQuery(url).path).toBe(whatwg(url));
      }),
      { numRuns: 2000 },
    );
  });
  it('maps each origin once and keeps the mapping per replay', () => {
    const map = createTargetMapper(services);
    const a = map('http://checkout:8080/a');
    const b = map('http://checkout:8080/b?c');
    expect(a.ok && b.ok && a.origin === b.origin).toBe(true);
    expect(b.ok && b.url).toBe('http://127.0.0.1:49153/b?c');
    expect(map('http://nobody/').ok).toBe(false);
  });
});

describe('buildReplayRequest', () => {
  it('keeps method and body, drops empty bodies', () => {
    const entry: HarEntry = {
      source: 'traffic/t.har#0',
      startedAtMs: 0,
      startedDateTime: '2026-01-01T00:00:00Z',
      timeMs: 3,
      request: { method: 'POST', url: 'http://checkout/pay', httpVersion: 'HTTP/1.1', headers: [{ name: 'content-type', value: 'application/json' }], body: new TextEncoder().encode('{"a":1}'), bodyMimeType: 'application/json' },
      response: { status: 200, headers: [], contentType: undefined, body: new Uint8Array(), bodyForm: 'empty' },
    };
    const r = buildReplayRequest(entry, 7, services);
    expect(r.index).toBe(7);
    expect(r.method).toBe('POST');
    expect(new TextDecoder().decode(r.body!)).toBe('{"a":1}');
    expect(r.target).toEqual({ ok: true, service: 'checkout', origin: 'http://127.0.0.1:49153', path: '/pay', url: 'http://127.0.0.1:49153/pay' });
    const empty = buildReplayRequest({ ...entry, request: { ...entry.request, body: new Uint8Array() } }, 0, services);
    expect(empty.body).toBeNull();
  });
});
