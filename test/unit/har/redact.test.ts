import { describe, expect, it } from 'vitest';
import { credentialHeaderReason, redactHar, redactHeaderValue, redactUrlQuery, REDACTION_MARKER, summarizeRedactions, tokenParamReason } from '../../../shared/har/redact';
import { parseHar } from '../../../shared/replay/har';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

interface TestHar {
  log: { entries: Array<ReturnType<typeof entry>> };
}

function har(entries: unknown[]) {
  return { log: { version: '1.2', creator: { name: 't', version: '1' }, entries } };
}

function entry(req: Record<string, unknown>, res: Record<string, unknown> = {}) {
  return {
    startedDateTime: '2026-11-20T14:03:00.000Z',
    time: 5,
    request: { method: 'GET', url: 'http://checkout:8080/', httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0, ...req },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 2, mimeType: 'application/json', text: '{}' }, redirectURL: '', headersSize: -1, bodySize: 2, ...res },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
  };
}

describe('HAR credential redaction', () => {
  it('replaces Authorization, Proxy-Authorization, Cookie and Set-Cookie values, keeping scheme, names and attributes', () => {
    const doc = har([
      entry(
        {
          headers: [
            { name: 'Authorization', value: 'Bearer abc.def.ghi-very-secret' },
            { name: 'Proxy-Authorization', value: 'Basic dXNlcjpwYXNz' },
            { name: 'Cookie', value: 'sid=s3cr3t; theme=dark' },
            { name: 'Accept', value: 'application/json' },
          ],
          cookies: [{ name: 'sid', value: 's3cr3t' }],
        },
        { headers: [{ name: 'Set-Cookie', value: 'sid=n3w; Path=/; HttpOnly' }], cookies: [{ name: 'sid', value: 'n3w', path: '/' }] },
      ),
    ]);
    const { har: out, redactions } = redactHar(doc);
    const e = (out as TestHar).log.entries[0]!;
    const headers = e.request.headers as { name: string; value: string }[];
    expect(headers).toEqual([
      { name: 'Authorization', value: `Bearer ${REDACTION_MARKER}` },
      { name: 'Proxy-Authorization', value: `Basic ${REDACTION_MARKER}` },
      { name: 'Cookie', value: `sid=${REDACTION_MARKER}; theme=${REDACTION_MARKER}` },
      { name: 'Accept', value: 'application/json' },
    ]);
    expect((e.response.headers as { value: string }[])[0]!.value).toBe(`sid=${REDACTION_MARKER}; Path=/; HttpOnly`);
    expect(e.request.cookies).toEqual([{ name: 'sid', value: REDACTION_MARKER }]);
    expect(e.response.cookies).toEqual([{ name: 'sid', value: REDACTION_MARKER, path: '/' }]);
    // The input is not touched, and no value is in the report.
    expect(JSON.stringify(doc)).toContain('s3cr3t');
    const text = JSON.stringify(out) + JSON.stringify(redactions);
    for (const secret of ['abc.def.ghi-very-secret', 'dXNlcjpwYXNz', 's3cr3t', 'n3w;']) expect(text).not.toContain(secret);
    expect(summarizeRedactions(redactions)).toEqual([
      { location: 'request.cookie', name: 'sid', reason: 'cookie', count: 1 },
      { location: 'request.header', name: 'Authorization', reason: 'credential header', count: 1 },
      { location: 'request.header', name: 'Cookie', reason: 'cookie header', count: 1 },
      { location: 'request.header', name: 'Proxy-Authorization', reason: 'credential header', count: 1 },
      { location: 'response.cookie', name: 'sid', reason: 'cookie', count: 1 },
      { location: 'response.header', name: 'Set-Cookie', reason: 'cookie header', count: 1 },
    ]);
  });

  it('redacts API-key headers by name, credential-looking values by content, and headers the caller names', () => {
    expect(credentialHeaderReason('X-API-Key', 'k')).toBe('API key or token header');
    expect(credentialHeaderReason('api_key', 'k')).toBe('API key or token header');
    expect(credentialHeaderReason('X-Auth-Token', 'k')).toBe('API key or token header');
    expect(credentialHeaderReason('X-Amz-Security-Token', 'k')).toBe('API key or token header');
    expect(credentialHeaderReason('X-Debug', JWT)).toMatch(/JSON web token/);
    expect(credentialHeaderReason('X-Tenant', 'acme', new Set(['x-tenant']))).toBe('named by --redact-header');
    for (const plain of ['Accept', 'Content-Type', 'X-Request-Id', 'Sec-WebSocket-Key', 'Content-Security-Policy', 'User-Agent']) {
      expect(credentialHeaderReason(plain, 'text/html; charset=utf-8'), plain).toBeUndefined();
    }
    const { har: out } = redactHar(har([entry({ headers: [{ name: 'X-Tenant', value: 'acme' }, { name: 'x-api-key', value: ['k1', 'k2'] }] })]), { headers: ['X-Tenant'] });
    const headers = (out as TestHar).log.entries[0]!.request.headers as unknown[];
    expect(headers).toEqual([
      { name: 'X-Tenant', value: REDACTION_MARKER },
      { name: 'x-api-key', value: [REDACTION_MARKER, REDACTION_MARKER] },
    ]);
  });

  it('redacts token-like query parameters and leaves every other byte of the URL as recorded', () => {
    const url = 'http://shop:8080/a%2Fb?q=caf%C3%A9+au+lait&access_token=xyz&x=1&X-Amz-Signature=abcd&sig=1&api_key=k&id=7#frag';
    const r = redactUrlQuery(url);
    const m = encodeURIComponent(REDACTION_MARKER);
    expect(r.url).toBe(`http://shop:8080/a%2Fb?q=caf%C3%A9+au+lait&access_token=${m}&x=1&X-Amz-Signature=${m}&sig=${m}&api_key=${m}&id=7#frag`);
    expect(r.redacted.map((x) => x.name)).toEqual(['access_token', 'X-Amz-Signature', 'sig', 'api_key']);
    expect(redactUrlQuery('http://shop/x?page=2&sort=name&keyword=shoes').url).toBe('http://shop/x?page=2&sort=name&keyword=shoes');
    expect(redactUrlQuery(`http://shop/x?t=${JWT}`).redacted).toEqual([{ name: 't', reason: 'value looks like a credential (JSON web token)' }]);
    expect(redactUrlQuery('http://shop/x').url).toBe('http://shop/x');
    for (const name of ['token', 'id_token', 'refresh_token', 'client_secret', 'password', 'key', 'apikey', 'sessionid', 'X-Goog-Credential']) {
      expect(tokenParamReason(name, 'v'), name).toBe('token-like query parameter');
    }
    for (const name of ['page', 'sort_key', 'monkey', 'q', 'tokens_left']) expect(tokenParamReason(name, 'v'), name).toBeUndefined();
  });

  it('redacts queryString, redirectURL and Location the same way, and is idempotent', () => {
    const doc = har([
      entry(
        { url: 'http://shop:8080/cb?code=1&state=2&token=t0k', queryString: [{ name: 'token', value: 't0k' }, { name: 'state', value: '2' }] },
        { status: 302, headers: [{ name: 'Location', value: '/next?access_token=a1' }], redirectURL: '/next?access_token=a1' },
      ),
    ]);
    const once = redactHar(doc);
    const e = (once.har as TestHar).log.entries[0]!;
    expect(e.request.queryString).toEqual([{ name: 'token', value: REDACTION_MARKER }, { name: 'state', value: '2' }]);
    expect(e.response.redirectURL).toBe(`/next?access_token=${encodeURIComponent(REDACTION_MARKER)}`);
    expect((e.response.headers as { value: string }[])[0]!.value).toBe(`/next?access_token=${encodeURIComponent(REDACTION_MARKER)}`);
    expect(summarizeRedactions(once.redactions).map((s) => `${s.location} ${s.name} ${s.count}`)).toEqual([
      'request.query token 1',
      'response.header Location ?access_token 1',
      'response.redirectURL access_token 1',
    ]);
    const twice = redactHar(once.har);
    expect(twice.har).toEqual(once.har);
    expect(twice.redactions.filter((r) => r.location !== 'request.header' && r.location !== 'response.header')).toEqual([]);
  });

  it('keeps the document readable by replay: a redacted HAR still parses to the same requests', () => {
    const doc = har([entry({ method: 'POST', url: 'http://checkout:8080/pay?api_key=k1', headers: [{ name: 'Authorization', value: 'Bearer zzz' }], postData: { mimeType: 'application/json', text: '{"a":1}' } })]);
    const { har: out } = redactHar(doc);
    const [e] = parseHar(JSON.stringify(out), 'traffic/x.har');
    expect(e!.request.method).toBe('POST');
    expect(e!.request.url).toBe(`http://checkout:8080/pay?api_key=${encodeURIComponent(REDACTION_MARKER)}`);
    expect(new TextDecoder().decode(e!.request.body!)).toBe('{"a":1}');
  });

  it('leaves shapes it does not know alone', () => {
    expect(redactHar({ nope: 1 }).har).toEqual({ nope: 1 });
    expect(redactHar(har([null, 'x', { request: 'odd' }])).redactions).toEqual([]);
    expect(redactHeaderValue('Authorization', 'justatoken')).toBe(REDACTION_MARKER);
  });
});
