import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/replay/bytes';
import { compareResponses, normalizeContentType } from '../../../shared/replay/compare';
import { diffJson } from '../../../shared/replay/json-diff';
import { NoiseMatcher, parseNoisePath, matchesExactly, selectAll, JsonPathError } from '../../../shared/replay/jsonpath';

const json = (status: number, body: unknown, ct = 'application/json') => ({ status, contentType: ct, body: utf8(JSON.stringify(body)) });
const none = { jsonPaths: [], headers: [] };

describe('noise paths', () => {
  it('parses the subset and matches exact locations', () => {
    expect(parseNoisePath("$.items[*]['e tag']")).toEqual([{ kind: 'key', key: 'items' }, { kind: 'wildcard' }, { kind: 'key', key: 'e tag' }]);
    const segs = parseNoisePath('$.items[*].etag');
    expect(matchesExactly(segs, ['items', 3, 'etag'])).toBe(true);
    expect(matchesExactly(segs, ['items', 3])).toBe(false);
    expect(matchesExactly(segs, ['items', 3, 'etag', 'x'])).toBe(false);
    const deep = parseNoisePath('$..requestId');
    expect(matchesExactly(deep, ['requestId'])).toBe(true);
    expect(matchesExactly(deep, ['a', 0, 'b', 'requestId'])).toBe(true);
    expect(matchesExactly(deep, ['a', 'requestIdx'])).toBe(false);
  });
  it('refuses "$" alone and bad syntax, naming the path', () => {
    expect(() => new NoiseMatcher(['$'])).toThrow(/"\$" alone/);
    expect(() => parseNoisePath('$.a[?(@.x)]')).toThrow(JsonPathError);
    expect(() => parseNoisePath('a.b')).toThrow(/must start with "\$"/);
  });
  it('selects every match', () => {
    const doc = { items: [{ etag: 'a' }, { etag: 'b' }, {}] };
    expect(selectAll(parseNoisePath('$.items[*].etag'), doc).map((m) => m.value)).toEqual(['a', 'b']);
  });
});

describe('diffJson', () => {
  it('compares as data: member order and number spelling do not matter', () => {
    const a = JSON.parse('{"a":1.0,"b":[1,2]}');
    const b = JSON.parse('{"b":[1,2],"a":1}');
    expect(diffJson(a, b, new NoiseMatcher([])).total).toBe(0);
  });
  it('reports changes, types, added and removed with paths', () => {
    const { differences } = diffJson({ a: 1, b: 'x', c: [1, 2], d: 1 }, { a: 2, b: 3, c: [1], e: null }, new NoiseMatcher([]));
    expect(differences.map((d) => [d.path, d.kind])).toEqual([
      ['$.a', 'changed'],
      ['$.b', 'type'],
      ['$.c[1]', 'removed'],
      ['$.d', 'removed'],
      ['$.e', 'added'],
    ]);
  });
  it('skips noise paths, including members present on one side only', () => {
    const noise = new NoiseMatcher(['$.servedAt', '$.items[*].etag', '$..traceId']);
    const a = { servedAt: 't1', items: [{ id: 1, etag: 'x' }], meta: { traceId: 'a' } };
    const b = { servedAt: 't2', items: [{ id: 1, etag: 'y' }], meta: {} };
    expect(diffJson(a, b, noise).total).toBe(0);
    expect(diffJson(a, { ...b, items: [{ id: 2, etag: 'y' }] }, noise).differences.map((d) => d.path)).toEqual(['$.items[0].id']);
  });
});

describe('compareResponses', () => {
  it('matches equal JSON whatever the member order and content-type spelling', () => {
    const r = compareResponses(json(200, { a: 1, b: 2 }, 'application/json; charset=UTF-8'), { status: 200, contentType: 'application/json;charset=utf-8', body: utf8('{"b":2,"a":1}') }, none);
    expect(r.outcome).toBe('matched');
    expect(r.bodyKind).toBe('json');
    expect(r.diff).toBeUndefined();
  });
  it('explains a status, content-type and JSON mismatch in a readable diff', () => {
    const r = compareResponses(json(200, { total: 10, currency: 'EUR' }), json(500, { total: 12, currency: 'EUR' }, 'text/json'), none);
    expect(r.outcome).toBe('mismatched');
    expect(r.statusMatches).toBe(false);
    expect(r.contentTypeMatches).toBe(false);
    expect(r.diff).toContain('status: recorded 200, replayed 500');
    expect(r.diff).toContain('content-type: recorded application/json, replayed text/json');
    expect(r.diff).toContain('$.total: 10 → 12');
    expect(r.diff).toMatch(/-\s+"total": 10\n\+\s+"total": 12\n/);
    expect(r.diff).not.toContain('No newline');
  });
  it('ignores noise paths and masks them in the side-by-side text', () => {
    const r = compareResponses(json(200, { id: 1, servedAt: 'a' }), json(200, { id: 1, servedAt: 'b' }), { jsonPaths: ['$.servedAt'], headers: [] });
    expect(r.outcome).toBe('matched');
    const m = compareResponses(json(200, { id: 1, servedAt: 'a' }), json(200, { id: 2, servedAt: 'b' }), { jsonPaths: ['$.servedAt'], headers: [] });
    expect(m.differences.map((d) => d.path)).toEqual(['$.id']);
    expect(m.recordedText).toContain('"servedAt": "«noise»"');
    expect(m.replayedText).toContain('"servedAt": "«noise»"');
  });
  it('ignores content-type when the bundle lists it as a noise header', () => {
    const r = compareResponses(json(200, {}), json(200, {}, 'text/plain'), { jsonPaths: [], headers: ['Content-Type'] });
    expect(r.outcome).toBe('matched');
  });
  it('compares text as bytes with a line diff', () => {
    const r = compareResponses({ status: 200, contentType: 'text/plain', body: utf8('a\nb\nc\n') }, { status: 200, contentType: 'text/plain', body: utf8('a\nB\nc\n') }, none);
    expect(r.outcome).toBe('mismatched');
    expect(r.bodyKind).toBe('text');
    expect(r.diff).toContain('-b\n+B');
  });
  it('compares binary as bytes and says where they differ', () => {
    const r = compareResponses({ status: 200, contentType: 'image/png', body: new Uint8Array([1, 2, 3]) }, { status: 200, contentType: 'image/png', body: new Uint8Array([1, 2, 4, 5]) }, none);
    expect(r.bodyKind).toBe('binary');
    expect(r.diff).toContain('recorded 3 bytes, replayed 4 bytes; first difference at byte 2');
  });
  it('treats a JSON response that stopped being JSON as a mismatch', () => {
    const r = compareResponses(json(200, { a: 1 }), { status: 200, contentType: 'application/json', body: utf8('<html>oops') }, none);
    expect(r.outcome).toBe('mismatched');
    expect(r.replayedText).toBe('<html>oops');
  });
  it('ignores content-type and body of a 204 (Polly records size 10 and no text)', () => {
    const r = compareResponses({ status: 204, contentType: 'text/plain; charset=utf-8', body: new Uint8Array() }, { status: 204, contentType: undefined, body: new Uint8Array() }, none);
    expect(r.outcome).toBe('matched');
  });
  it('normalises content types', () => {
    expect(normalizeContentType('Text/HTML; Charset="UTF-8"')).toBe('text/html; charset=utf-8');
    expect(normalizeContentType('  ')).toBeUndefined();
  });
});
