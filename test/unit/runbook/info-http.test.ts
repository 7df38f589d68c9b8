import { describe, expect, it } from 'vitest';
import { parseHttpRequest, parseInfoString } from '../../../shared/runbook';

describe('parseInfoString', () => {
  it('reads the language and attributes', () => {
    expect(parseInfoString('sh {service=pricing}')).toEqual({ ok: true, value: { lang: 'sh', attrs: { service: 'pricing' } } });
    expect(parseInfoString('sh {service="pricing", timeout=10s}')).toEqual({ ok: true, value: { lang: 'sh', attrs: { service: 'pricing', timeout: '10s' } } });
    expect(parseInfoString('http')).toEqual({ ok: true, value: { lang: 'http', attrs: {} } });
  });
  it('rejects malformed attribute lists', () => {
    expect(parseInfoString('sh {service=a')).toMatchObject({ ok: false, message: expect.stringContaining('must end with "}"') });
    expect(parseInfoString('sh {service}')).toMatchObject({ ok: false, message: expect.stringContaining('needs a value') });
    expect(parseInfoString('sh {a=1 a=2}')).toMatchObject({ ok: false, message: expect.stringContaining('given twice') });
    expect(parseInfoString('sh {a="x}')).toMatchObject({ ok: false });
  });
});

describe('parseHttpRequest', () => {
  it('reads an HTTP-file request', () => {
    const r = parseHttpRequest('# place an order\nPOST http://checkout:8080/api/checkout?x=1 HTTP/1.1\nContent-Type: application/json\nX-Trace: abc\n\n{"cart":\n "c-1"}\n\n');
    expect(r).toEqual({
      ok: true,
      value: { method: 'POST', service: 'checkout', path: '/api/checkout?x=1', headers: [['Content-Type', 'application/json'], ['X-Trace', 'abc']], body: '{"cart":\n "c-1"}' },
    });
  });
  it('defaults to GET and accepts origin-form with a Host header or service attribute', () => {
    expect(parseHttpRequest('http://pricing/health')).toMatchObject({ ok: true, value: { method: 'GET', service: 'pricing', path: '/health' } });
    expect(parseHttpRequest('GET /health\nHost: pricing:9000')).toMatchObject({ ok: true, value: { service: 'pricing', path: '/health' } });
    expect(parseHttpRequest('GET /health', { service: 'pricing' })).toMatchObject({ ok: true, value: { service: 'pricing' } });
  });
  it('explains what is wrong', () => {
    expect(parseHttpRequest('')).toMatchObject({ ok: false, message: expect.stringContaining('no request line') });
    expect(parseHttpRequest('GET /x')).toMatchObject({ ok: false, message: expect.stringContaining('has no host') });
    expect(parseHttpRequest('GET https://checkout/')).toMatchObject({ ok: false, message: expect.stringContaining('only http://') });
    expect(parseHttpRequest('GET http://checkout/\nnot a header')).toMatchObject({ ok: false, line: 2 });
    expect(parseHttpRequest('GET http://checkout/\n\nbody\n###\nGET http://checkout/b')).toMatchObject({ ok: false, message: expect.stringContaining('one request') });
    expect(parseHttpRequest('GET http://pricing/', { service: 'checkout' })).toMatchObject({ ok: false, message: expect.stringContaining('names service "pricing"') });
  });
});
