import { describe, expect, it } from 'vitest';
import { evaluateExpectations, parseExpectations, queryJsonPath, type Assertion } from '../../../shared/runbook';
import { parseNoisePath } from '../../../shared/replay/jsonpath';

function assertions(text: string): Assertion[] {
  const r = parseExpectations(text);
  if (!r.ok) throw new Error(r.message);
  return r.assertions;
}

describe('expectations', () => {
  const http = { kind: 'http' as const, exitCode: 0, status: 503, output: '{"error":"pricing timeout","items":[{"sku":"a","qty":2}],"ok":false}' };

  it('evaluates status, contains, regex and json paths', () => {
    const r = evaluateExpectations(
      assertions('status 503\nstatus 5xx\ncontains "pricing timeout"\nnot contains "panic"\nregex /timeout$|TIME/i\njson $.items[0].qty == 2\njson $.ok == false\njson $.error != "x"\njson $.items[*].sku exists\njson $["error"] == "pricing timeout"'),
      http,
    );
    expect(r.results.filter((x) => !x.ok)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('reports each failure with the actual value', () => {
    const r = evaluateExpectations(assertions('status 200\ncontains "success"\njson $.items[0].qty == 3\njson $.items[*].nope == 1\nregex /^\\d+$/'), http);
    expect(r.ok).toBe(false);
    expect(r.results.map((x) => x.ok)).toEqual([false, false, false, false, false]);
    expect(r.results[0]!.message).toBe('expected status 200, got 503');
    expect(r.results[2]!.message).toContain('is 2');
    expect(r.results[3]!.message).toContain('matched 0 values');
  });

  it('status on an sh step is its exit code; json on non-JSON output fails clearly', () => {
    const sh = { kind: 'sh' as const, exitCode: 1, output: 'boom' };
    expect(evaluateExpectations(assertions('status 1\nexit 1'), sh).ok).toBe(true);
    const r = evaluateExpectations(assertions('json $.a == 1'), sh);
    expect(r.results[0]!.message).toMatch(/not JSON/);
  });

  it('uses a ready JSON document for replay outcomes', () => {
    const replay = { kind: 'replay' as const, exitCode: 1, output: 'ignored', json: { summary: { mismatched: 3 } } };
    expect(evaluateExpectations(assertions('json $.summary.mismatched == 3'), replay).ok).toBe(true);
    expect(evaluateExpectations(assertions('status 200'), replay).ok).toBe(false);
  });

  it('rejects what it cannot read', () => {
    expect(parseExpectations('')).toMatchObject({ ok: false });
    expect(parseExpectations('status ok')).toMatchObject({ ok: false, line: 1 });
    expect(parseExpectations('# c\nregex /(/')).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('bad regex') });
    expect(parseExpectations('json a.b == 1')).toMatchObject({ ok: false });
    expect(parseExpectations('json $.a == {oops')).toMatchObject({ ok: false });
    expect(parseExpectations('contains "unterminated')).toMatchObject({ ok: false });
  });

  it('json paths: negative index, wildcard over objects, missing keys', () => {
    const doc = { a: [1, 2, 3], b: { x: 1, y: 2 } };
    expect(queryJsonPath(doc, '$.a[-1]')).toEqual([3]);
    expect(queryJsonPath(doc, '$.b.*')).toEqual([1, 2]);
    expect(queryJsonPath(doc, '$.c.d')).toEqual([]);
    expect(queryJsonPath(doc, '$')).toEqual([doc]);
    expect(() => queryJsonPath(doc, '$.a[')).toThrow(/not closed/);
  });

  it('json paths are read by the same parser as noise paths, each use with its own extras', () => {
    expect(queryJsonPath({ "it's": 1 }, "$['it\\'s']")).toEqual([1]);
    expect(() => queryJsonPath({}, '$..id')).toThrow(/JSON path "\$\.\.id": "\.\." \(any depth\) is not supported here/);
    expect(() => parseNoisePath('$.items[-1]')).toThrow(/noise path .*negative index/);
    expect(parseNoisePath("$..id['x']")).toEqual([{ kind: 'descendant', key: 'id' }, { kind: 'key', key: 'x' }]);
  });
});
