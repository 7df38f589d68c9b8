/**
 * The OTLP byte scanner must import exactly what the JSON.parse importer does, or step aside:
 * every case here goes through importTraceBytes (scanner first) and importTraceTexts (JSON.parse
 * only) and the two results — spans, columns, names, warnings and every span's details — must
 * be identical.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateOtlpText } from '../../../bench/lib/gen-otlp';
import { TraceSetBuilder } from '../../../shared/traces/builder';
import { importTraceBytes, importTraceTexts, type ImportResult } from '../../../shared/traces/detect';
import { spanDetail } from '../../../shared/traces/detail';
import { scanOtlp } from '../../../shared/traces/otlp-scan';
import { FIXTURES } from './fixtures';

const enc = new TextEncoder();

/** Everything observable about an import, details included (typed arrays as plain arrays). */
function view(r: ImportResult) {
  const { set, raw } = r;
  return {
    formats: set.formats,
    services: set.services,
    names: set.names,
    inputSpanObjects: set.inputSpanObjects,
    warnings: set.warnings,
    traces: set.traces.map((t, ti) => ({
      ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v])),
      details: Array.from({ length: t.spanCount }, (_, i) => spanDetail(set, raw, ti, i)),
    })),
  };
}

function both(text: string, name = 'test.json') {
  let general: unknown;
  let scanned: unknown;
  try {
    // (file readers drop a byte order mark before the text importer sees it)
    general = view(importTraceTexts([{ name, text: text.replace(/^\uFEFF/, '') }]));
  } catch (err) {
    general = { error: (err as Error).message };
  }
  try {
    scanned = view(importTraceBytes([{ name, bytes: enc.encode(text) }]));
  } catch (err) {
    scanned = { error: (err as Error).message };
  }
  return { general, scanned };
}

/** Did the scanner take the file itself (rather than handing it to the general path)? */
function scans(text: string): boolean {
  return scanOtlp(enc.encode(text), new TraceSetBuilder());
}

const span = (o: Record<string, unknown> = {}) => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  name: 'GET /',
  kind: 2,
  startTimeUnixNano: '1544712660000000000',
  endTimeUnixNano: '1544712661000000000',
  attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }],
  status: {},
  ...o,
});
const doc = (spans: unknown[], resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }) =>
  JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }] }] });

describe('OTLP byte scanner', () => {
  it('imports the OTLP fixtures exactly as JSON.parse does', () => {
    for (const f of readdirSync(FIXTURES + 'otlp')) {
      const text = readFileSync(FIXTURES + 'otlp/' + f, 'utf8');
      const { general, scanned } = both(text, f);
      expect(scanned, f).toEqual(general);
    }
  });

  it('leaves Jaeger and Zipkin files to the general path, with the same result', () => {
    for (const dir of ['jaeger', 'zipkin']) {
      for (const f of readdirSync(FIXTURES + dir)) {
        const text = readFileSync(FIXTURES + dir + '/' + f, 'utf8');
        expect(scans(text), f).toBe(false);
        const { general, scanned } = both(text, f);
        expect(scanned, f).toEqual(general);
      }
    }
  });

  it('scans generated exporter output itself, identical to JSON.parse (two traces, errors, events)', () => {
    const text = generateOtlpText({ spans: 3000, traces: 2, seed: 5 });
    expect(scans(text)).toBe(true);
    const { general, scanned } = both(text);
    expect(scanned).toEqual(general);
  });

  const cases: [string, string, boolean][] = [
    ['canonical', doc([span(), span({ spanId: '0000000000000001', parentSpanId: 'eee19b7ec3c1b174', name: 'db' })]), true],
    ['numbers for times, names for kinds and codes', doc([span({ startTimeUnixNano: 1544712660000000000, endTimeUnixNano: 1544712660500000000, kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'boom' } })]), true],
    ['status code "2", odd kinds', doc([span({ kind: 9, status: { code: '2' } }), span({ spanId: '0000000000000002', kind: 1.5 }), span({ spanId: '0000000000000003', kind: null })]), true],
    ['upper-case and base64 IDs, short hex', doc([span({ traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174' }), span({ spanId: 'AAAAAAAAAAE=', parentSpanId: '7b' })]), true],
    ['non-ASCII and escaped strings', doc([span({ name: 'caf\u00e9 \u2603 "q" \\ \n' })], { attributes: [{ key: 'service.name', value: { stringValue: 'd\u00e9j\u00e0-vu' } }] }), true],
    ['short and odd time strings', doc([span({ startTimeUnixNano: '123', endTimeUnixNano: '12x4567' })]), true],
    ['missing times and names', doc([{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' }]), true],
    ['parent equal to itself, empty parent', doc([span({ parentSpanId: 'eee19b7ec3c1b174' }), span({ spanId: '0000000000000009', parentSpanId: '' })]), true],
    ['duplicate span IDs', doc([span(), span({ name: 'again' })]), true],
    ['a parent that is absent', doc([span({ parentSpanId: 'ffffffffffffffff' })]), true],
    ['no resource, an empty scope, a resource without spans', JSON.stringify({ resourceSpans: [{ scopeSpans: [{}, { spans: [span()] }] }, { resource: { attributes: [] }, scopeSpans: [] }] }), true],
    ['instrumentationLibrarySpans (pre-1.0)', JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old' }, spans: [span()] }] }] }), true],
    ['unknown keys and values of every JSON type', JSON.stringify({ x: [1, -2.5e-3, true, false, null, { a: [] }], resourceSpans: [{ y: {}, resource: {}, scopeSpans: [{ spans: [span({ extra: [0, 1e9, 'z'], status: 7 })] }] }] }), true],
    ['a BOM and surrounding whitespace', '\ufeff \n' + doc([span()]) + '\n\t', true],
    ['resource after its scopes', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span()] }], resource: { attributes: [{ key: 'service.name', value: { stringValue: 'late' } }] } }] }), false],
    ['a span without IDs (skipped with a warning)', doc([span({ traceId: '' }), span({ spanId: '0000000000000004' })]), false],
    ['a span that is not an object', doc([span(), null, 3]), false],
    ['a key with an escape', doc([span()]).replace('"name"', '"n\\u0061me"'), false],
    ['duplicate scopeSpans', '{"resourceSpans":[{"scopeSpans":[],"scopeSpans":[{"spans":[' + JSON.stringify(span()) + ']}]}]}', false],
    ['Jaeger v3 result wrapper', JSON.stringify({ result: JSON.parse(doc([span()])) }), false],
    ['JSON Lines', doc([span()]) + '\n' + doc([span({ spanId: '0000000000000005' })]) + '\n', false],
    ['not OTLP at all', JSON.stringify({ hello: 'world' }), false],
    ['invalid JSON in a skipped attribute', doc([span()]).replace('"GET"}}]', '"GET"}}}]'), false],
    ['a raw control character in a string', doc([span()]).replace('GET /', 'GET\t/'), false],
    ['truncated', doc([span()]).slice(0, -5), false],
    ['leading zero', doc([span({ kind: 2 })]).replace('"kind":2', '"kind":02'), false],
  ];
  for (const [what, text, scanned] of cases) {
    it(`${what}: ${scanned ? 'scanned' : 'left to the general path'}, same result`, () => {
      expect(scans(text)).toBe(scanned);
      const { general, scanned: got } = both(text);
      expect(got).toEqual(general);
    });
  }

  it('any mix of field types and orders gives the same result either way (property)', () => {
    const id = fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[0-9A-F]{1,20}$/), fc.constant(''), fc.integer({ min: 0, max: 1e6 }));
    const time = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String), fc.integer({ min: 0 }), fc.string({ maxLength: 6 }), fc.constant(null));
    const anyJson = fc.jsonValue({ maxDepth: 2 });
    const spanArb = fc.record(
      {
        traceId: fc.constantFrom('5b8efff798038103d269b633813fc60c', '00000000000000000000000000000001'),
        spanId: id,
        parentSpanId: id,
        name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('caf\u00e9'), anyJson),
        kind: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom('SPAN_KIND_SERVER', 'x'), anyJson),
        startTimeUnixNano: time,
        endTimeUnixNano: time,
        status: fc.oneof(fc.record({ code: fc.oneof(fc.constantFrom(0, 1, 2, '2', 'STATUS_CODE_ERROR'), anyJson), message: fc.string() }, { requiredKeys: [] }), anyJson),
        attributes: anyJson,
      },
      { requiredKeys: ['traceId'] },
    );
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 6 }), fc.boolean(), (spans, pretty) => {
        const d = JSON.parse(doc(spans)) as unknown;
        const text = pretty ? JSON.stringify(d, null, 2) : JSON.stringify(d);
        const { general, scanned } = both(text);
        expect(scanned).toEqual(general);
      }),
      { numRuns: 300 },
    );
  });
});
