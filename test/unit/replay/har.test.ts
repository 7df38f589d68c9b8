import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../../shared/replay/bytes';
import { decodeHarBody, isTextualMime } from '../../../shared/replay/body';
import { gzipSync } from 'node:zlib';
import { HarParseError, headerValue, orderEntries, parseHar, readHar } from '../../../shared/replay/har';
import { comparableRecordedBody } from '../../../electron/services/replay/engine';
import { tryUndoContentEncoding, undoContentEncoding } from '../../../electron/services/replay/content-encoding';

const dir = join(import.meta.dirname, '../../fixtures/har');
const load = (name: string) => parseHar(readFileSync(join(dir, name), 'utf8'), name);

describe('parseHar on Polly.JS recordings', () => {
  it('reads a multi-entry recording with repeated query keys kept in order', () => {
    const entries = load('jsonplaceholder-navigate-all-routes.har');
    expect(entries).toHaveLength(5);
    const users = entries.find((e) => e.request.url.includes('/users?id='))!;
    expect(new URL(users.request.url).search).toBe('?id=3&id=9&id=2&id=7&id=10&id=5');
    // br-encoded upstream, but stored as decoded text: the body is the JSON itself.
    expect(users.response.bodyForm).toBe('text');
    expect(Array.isArray(JSON.parse(fromUtf8(users.response.body)))).toBe(true);
    expect(headerValue(users.response.headers, 'content-encoding')).toBe('br');
    expect(tryUndoContentEncoding(users.response.body, 'br')).toEqual(users.response.body);
  });

  it('accepts array header values and a GET postData that has only a mimeType', () => {
    const [e] = load('jsonplaceholder-get-post.har');
    expect(e!.request.headers.find((h) => h.name === 'accept')).toEqual({ name: 'accept', value: '*/*' });
    expect(e!.request.body).toBeNull();
    // Hex chunks without _isBinary: the gzip content-encoding is what says "binary".
    expect(e!.response.bodyForm).toBe('hex-chunks');
    const json = JSON.parse(fromUtf8(undoContentEncoding(e!.response.body, 'gzip')));
    expect(json).toMatchObject({ id: 1, userId: 1 });
  });

  it('decodes Polly hex chunks of a gzip body to the 1,265 bytes of JSON', () => {
    const [e] = load('github-get-user-gzip.har');
    expect(e!.response.bodyForm).toBe('hex-chunks');
    expect(e!.response.body.length).toBe(525);
    const plain = undoContentEncoding(e!.response.body, headerValue(e!.response.headers, 'content-encoding'));
    expect(plain.length).toBe(1265);
    expect(JSON.parse(fromUtf8(plain)).login).toBe('Netflix');
  });

  it('gives a 204 an empty body whatever size it claims', () => {
    const [e] = load('echo-204-no-content.har');
    expect(e!.response.status).toBe(204);
    expect(e!.response.body.length).toBe(0);
    expect(e!.timeMs).toBe(3);
    expect(e!.request.url).toBe('http://localhost:4000/echo?status=204');
  });

  it('reads a plain hex PNG as its 373 bytes', () => {
    const [e] = load('binary-png-download.har');
    expect(e!.response.bodyForm).toBe('hex');
    expect(e!.response.body.length).toBe(373);
    expect([...e!.response.body.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(e!.response.contentType).toBe('image/png');
  });
});

describe('decodeHarBody', () => {
  it('keeps JSON text that merely looks like hex chunks when nothing says binary', () => {
    const d = decodeHarBody({ text: '["beef"]', mimeType: 'application/json' }, {}, 'x');
    expect(d.form).toBe('text');
    expect(fromUtf8(d.bytes)).toBe('["beef"]');
  });
  it('keeps a hex-looking text/plain body as text', () => {
    expect(decodeHarBody({ text: 'deadbeef', mimeType: 'text/plain' }, {}, 'x').form).toBe('text');
  });
  it('reads base64 (padded, unpadded, URL-safe)', () => {
    expect(fromUtf8(decodeHarBody({ text: 'aGVsbG8=', encoding: 'base64' }, {}, 'x').bytes)).toBe('hello');
    expect(fromUtf8(decodeHarBody({ text: 'aGVsbG8', encoding: 'base64' }, {}, 'x').bytes)).toBe('hello');
    expect([...decodeHarBody({ text: '-_8', encoding: 'base64' }, {}, 'x').bytes]).toEqual([0xfb, 0xff]);
  });
  it('names the field when base64 is broken or _isBinary text is not hex', () => {
    expect(() => decodeHarBody({ text: '***', encoding: 'base64' }, {}, 'f.har: log.entries[0].response.content')).toThrow(/f\.har: log\.entries\[0\]\.response\.content\.text: encoding is base64/);
    expect(() => decodeHarBody({ text: 'zz', _isBinary: true }, {}, 'w')).toThrow(/_isBinary/);
  });
  it('classifies media types', () => {
    expect(isTextualMime('application/vnd.api+json')).toBe(true);
    expect(isTextualMime('image/png')).toBe(false);
    expect(isTextualMime('application/octet-stream')).toBe(false);
  });
});

describe('HAR problems and order', () => {
  const har = (entries: unknown[]) => JSON.stringify({ log: { version: '1.2', entries } });
  const entry = (at: string, url: string, extra: Record<string, unknown> = {}) => ({
    startedDateTime: at,
    time: 5,
    request: { method: 'GET', url, headers: [] },
    response: { status: 200, headers: [], content: { mimeType: 'text/plain', text: 'ok' } },
    ...extra,
  });

  it('lists every problem with file and field', () => {
    const text = har([entry('nope', 'http://a/'), { ...entry('2026-01-01T00:00:00Z', 'ftp://x/'), response: { status: 42 } }]);
    try {
      parseHar(text, 'traffic/bad.har');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HarParseError);
      const msg = (e as Error).message;
      expect(msg).toContain('traffic/bad.har: log.entries[0].startedDateTime');
      expect(msg).toContain('traffic/bad.har: log.entries[1].request.url');
      expect(msg).toContain('traffic/bad.har: log.entries[1].response.status');
    }
    // A missing status is a problem too, unless the producer says the request failed.
    expect(() => parseHar(har([{ ...entry('2026-01-01T00:00:00Z', 'http://a/'), response: {} }]), 'x.har')).toThrow(/response\.status: expected an HTTP status 100-599, got undefined/);
    const failed = readHar(har([{ ...entry('2026-01-01T00:00:00Z', 'http://a/'), response: { _failureText: 'net::ERR_FAILED' } }, { ...entry('2026-01-01T00:00:00Z', 'http://a/b'), response: { status: 0 } }]), 'x.har');
    expect(failed).toEqual({ entries: [], skipped: [expect.objectContaining({ source: 'x.har#0', reason: 'net::ERR_FAILED' }), expect.objectContaining({ source: 'x.har#1', url: 'http://a/b', reason: 'no answer was recorded (status 0)' })] });
  });

  it('rejects non-HAR documents clearly', () => {
    expect(() => parseHar('{', 'a.har')).toThrow(/a\.har: \$: not JSON/);
    expect(() => parseHar('{"log":{}}', 'a.har')).toThrow(/log\.entries: expected an array/);
  });

  it('orders by startedDateTime across files, stable on ties', () => {
    const a = parseHar(har([entry('2026-01-01T00:00:02Z', 'http://s/2'), entry('2026-01-01T00:00:00Z', 'http://s/0')]), 'a.har');
    const b = parseHar(har([entry('2026-01-01T00:00:01Z', 'http://s/1'), entry('2026-01-01T00:00:02Z', 'http://s/3')]), 'b.har');
    expect(orderEntries([a, b]).map((e) => new URL(e.request.url).pathname)).toEqual(['/0', '/1', '/2', '/3']);
  });

  it('appends queryString when the url has none, and rebuilds form params', () => {
    const [e] = parseHar(
      har([
        entry('2026-01-01T00:00:00Z', 'http://s/p', {
          request: { method: 'post', url: 'http://s/p', headers: [], queryString: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }], postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'x', value: 'y z' }] } },
        }),
      ]),
      'f.har',
    );
    expect(e!.request.url).toBe('http://s/p?a=1&a=2');
    expect(e!.request.method).toBe('POST');
    expect(fromUtf8(e!.request.body!)).toBe('x=y+z');
  });

  it('keeps a decoded body that only looks like hex as its text, whatever content-encoding the header still names', () => {
    const withEncoding = (text: string, encoding: string, mimeType = 'text/plain') =>
      parseHar(har([{ ...entry('2026-01-01T00:00:00Z', 'http://a/'), response: { status: 200, headers: [{ name: 'Content-Encoding', value: encoding }], content: { size: text.length, mimeType, text } } }]), 'x.har')[0]!;
    for (const [text, enc, mime] of [['cafe', 'gzip'], ['1234', 'br', 'application/json'], ['beef', 'deflate'], ['00ff', 'gzip, br']] as const) {
      expect(new TextDecoder().decode(comparableRecordedBody(withEncoding(text, enc, mime)))).toBe(text);
    }
    // Real hex of a gzip body (as older Polly wrote it) is still decoded.
    const gz = Buffer.from(gzipSync('{"a":1}')).toString('hex');
    expect(new TextDecoder().decode(comparableRecordedBody(withEncoding(gz, 'gzip', 'application/json')))).toBe('{"a":1}');
  });
});

