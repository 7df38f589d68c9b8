import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReplayRequest, createTargetMapper, mapTarget, pathAndQuery, replayHeaders, type ReplayTargetService } from '../../../shared/replay/request';
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
    expect(!a.ok && a.reason).toMatch(/no service named "shop\.example\.com".*checkout, pricing/);
    const b = mapTarget('http://pricing:9000/', services);
    expect(!b.ok && b.reason).toMatch(/no ingress port/);
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
