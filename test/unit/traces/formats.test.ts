/**
 * Every real-world file loads, with the counts checked by hand in the data README
 * (test/fixtures/traces/ATTRIBUTION.md quotes them).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { detectFormat, importTraceTexts, parseTraceText } from '../../../shared/traces/detect';
import { spanDetail } from '../../../shared/traces/detail';
import { SpanFlag, SpanKind, attrToString, type Trace, type TraceSet } from '../../../shared/traces/model';
import { summarize } from '../../../shared/traces/summary';
import { FIXTURES, fixtureText, loadFixture } from './fixtures';

function kinds(t: Trace): Record<number, number> {
  const out: Record<number, number> = {};
  for (const k of t.kind) out[k] = (out[k] ?? 0) + 1;
  return out;
}
function uniqueIds(set: TraceSet): number {
  return new Set(set.traces.flatMap((t) => t.spanId)).size;
}
function countFlag(t: Trace, flag: number): number {
  let n = 0;
  for (const f of t.flags) if (f & flag) n++;
  return n;
}

describe('format detection', () => {
  it.each([
    ['otlp', 'otlp'],
    ['jaeger', 'jaeger'],
    ['zipkin', 'zipkin'],
  ])('detects every file in %s/ from its content', (dir, format) => {
    for (const f of readdirSync(FIXTURES + dir)) {
      const [doc] = parseTraceText(f, fixtureText(`${dir}/${f}`));
      expect(detectFormat(doc!.doc), f).toBe(format);
    }
  });

  it('names the file and what it found when the content is no trace format', () => {
    expect(() => loadFixtureText('metrics.json', '{"status":"success","data":{"resultType":"matrix"}}')).toThrow(
      /metrics\.json: not OTLP.*keys status, data/,
    );
    expect(() => loadFixtureText('broken.json', '{"resourceSpans": [')).toThrow(/broken\.json: not valid JSON/);
  });
});

function loadFixtureText(name: string, text: string) {
  return importTraceTexts([{ name, text }]);
}

describe('Zipkin v2', () => {
  it('smartthings-mobile-web-install: 1,041 objects, 663 IDs, 16 services, 2 errors, 306 s', () => {
    const { set } = loadFixture('zipkin/smartthings-mobile-web-install.json');
    expect(set.inputSpanObjects).toBe(1041);
    expect(uniqueIds(set)).toBe(663);
    expect(set.traces).toHaveLength(1);
    const t = set.traces[0]!;
    const s = summarize(set);
    expect(s.services).toHaveLength(16);
    expect(s.errorSpans).toBe(2);
    expect(Math.round(t.durationUs / 1e6)).toBe(306);
    // The 84 fragments without kind or timestamp merge into their SERVER half:
    // 628 CLIENT + 326 SERVER + (87 - 84) without kind.
    expect(t.spanCount).toBe(1041 - 84);
    expect(kinds(t)).toEqual({ [SpanKind.Client]: 628, [SpanKind.Server]: 326, [SpanKind.Unspecified]: 3 });
    expect(countFlag(t, SpanFlag.NoTimestamp)).toBe(0);
    expect(countFlag(t, SpanFlag.Shared)).toBe(294);
    expect(t.roots).toHaveLength(1);
  });

  it('smartthings-oauth-authorization: 175 spans, 130 IDs, 8 services, 2 errors, 100 s; five servers of one call stay five spans', () => {
    const { set } = loadFixture('zipkin/smartthings-oauth-authorization.json');
    const t = set.traces[0]!;
    expect(set.inputSpanObjects).toBe(175);
    expect(t.spanCount).toBe(175);
    expect(uniqueIds(set)).toBe(130);
    expect(summarize(set).services).toHaveLength(8);
    expect(t.errorCount).toBe(2);
    expect(Math.round(t.durationUs / 1e6)).toBe(100);
    expect(kinds(t)).toEqual({ [SpanKind.Client]: 95, [SpanKind.Server]: 77, [SpanKind.Unspecified]: 3 });
    expect(countFlag(t, SpanFlag.Shared)).toBe(45);
    const six = t.spanId.map((id, i) => [id, i] as const).filter(([id]) => id === '9d2d35b746db84f3');
    expect(six).toHaveLength(6);
    // The five shared SERVER halves hang under the one CLIENT half.
    const client = six.find(([, i]) => t.kind[i] === SpanKind.Client)![1];
    expect(six.filter(([, i]) => t.parent[i] === client)).toHaveLength(5);
  });

  it('yelp: 16 spans, 13 IDs, 6 local services including one named "unknown"; remote-only services are not span owners', () => {
    const { set } = loadFixture('zipkin/yelp.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(16);
    expect(uniqueIds(set)).toBe(13);
    const s = summarize(set);
    expect(s.services).toHaveLength(6);
    expect(s.services).toContain('unknown');
    for (const remote of ['blt', 'memcache', 'mysql', 'yelp-main.mobile_api']) expect(s.services).not.toContain(remote);
    expect(kinds(t)).toEqual({ [SpanKind.Client]: 11, [SpanKind.Server]: 4, [SpanKind.Unspecified]: 1 });
  });

  it('messaging-kafka: 28 spans, 2 services, 3 error-tagged spans (an empty error tag counts)', () => {
    const { set } = loadFixture('zipkin/messaging-kafka.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(28);
    expect(uniqueIds(set)).toBe(28);
    expect(summarize(set).services).toEqual(['servicea', 'serviceb']);
    expect(t.errorCount).toBe(3);
    expect(kinds(t)).toEqual({ [SpanKind.Producer]: 9, [SpanKind.Consumer]: 7, [SpanKind.Unspecified]: 12 });
  });

  it('messaging: 4 spans, 2 services, a 128-bit trace ID', () => {
    const { set } = loadFixture('zipkin/messaging.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(4);
    expect(summarize(set).services).toEqual(['backend', 'frontend']);
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(kinds(t)).toEqual({
      [SpanKind.Server]: 1,
      [SpanKind.Producer]: 1,
      [SpanKind.Consumer]: 1,
      [SpanKind.Unspecified]: 1,
    });
  });

  it('skew: 4 spans, 3 IDs; the SERVER half (starting 65 ms before its client) is the client half\'s child', () => {
    const { set } = loadFixture('zipkin/skew.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(4);
    expect(uniqueIds(set)).toBe(3);
    const halves = t.spanId.map((id, i) => [id, i] as const).filter(([id]) => id === '74280ae0c10d8062');
    const server = halves.find(([, i]) => t.flags[i]! & SpanFlag.Shared)![1];
    const client = halves.find(([, i]) => t.kind[i] === SpanKind.Client)![1];
    expect(t.parent[server]).toBe(client);
    expect(t.start[client]! - t.start[server]!).toBeGreaterThan(60_000);
  });

  it('envoy: one span with no service name at all', () => {
    const { set, raw } = loadFixture('zipkin/envoy.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(1);
    expect(summarize(set).services).toEqual([]);
    expect(set.services[t.service[0]!]).toBe('');
    const d = spanDetail(set, raw, 0, 0);
    expect(d.attributes).toHaveLength(12);
    expect(d.resource.find((a) => a.key === 'localEndpoint.ipv4')?.value).toEqual({ type: 'string', value: '169.254.65.45' });
  });
});

describe('Jaeger', () => {
  it('storage model example_trace: 5 spans, 3 services, base64 IDs decoded, 2 span.kind tags, 2 logs each', () => {
    const { set, raw } = loadFixture('jaeger/example_trace.json');
    const t = set.traces[0]!;
    expect(t.traceId).toBe('00000000000000000000000000000011');
    expect(t.spanCount).toBe(5);
    expect(summarize(set).services).toHaveLength(3);
    expect(kinds(t)).toEqual({ [SpanKind.Server]: 1, [SpanKind.Client]: 1, [SpanKind.Unspecified]: 3 });
    for (let i = 0; i < 5; i++) expect(spanDetail(set, raw, 0, i).events).toHaveLength(2);
    expect(t.end[0]! - t.start[0]!).toBe(100); // "100000ns"
  });

  it('tags_opname: references to other traces become links, not parents; all five tag types', () => {
    const { set, raw } = loadFixture('jaeger/tags_opname_trace.json');
    const t = set.traces[0]!;
    expect(t.traceId).toMatch(/12$/);
    expect(t.roots).toHaveLength(1);
    expect(t.flags[0]! & SpanFlag.Orphan).toBe(0);
    const d = spanDetail(set, raw, 0, 0);
    expect(d.links.map((l) => l.type)).toEqual(['child_of', 'child_of', 'follows_from']);
    expect(d.links.every((l) => !l.inTrace)).toBe(true);
    expect(d.links[0]!.traceId).toMatch(/ff$/);
    expect(d.attributes.map((a) => a.value.type).sort()).toEqual(['bool', 'bytes', 'double', 'int', 'string']);
  });

  it('log_tags: 2 logs, one with 5 fields of every type', () => {
    const { set, raw } = loadFixture('jaeger/log_tags_trace.json');
    const d = spanDetail(set, raw, 0, 0);
    expect(d.events).toHaveLength(2);
    expect(d.events.map((e) => e.attributes.length).sort()).toContain(5);
  });

  it('process_tags: 5 process tags become resource attributes', () => {
    const { set, raw } = loadFixture('jaeger/process_tags_trace.json');
    const d = spanDetail(set, raw, 0, 0);
    expect(d.resource.filter((a) => a.key !== 'service.name')).toHaveLength(5);
  });

  it('multi_spot_tags: 2 span tags, 1 process tag, 1 log field', () => {
    const { set, raw } = loadFixture('jaeger/multi_spot_tags_trace.json');
    const d = spanDetail(set, raw, 0, 0);
    expect(d.attributes).toHaveLength(2);
    expect(d.resource.filter((a) => a.key !== 'service.name')).toHaveLength(1);
    expect(d.events.flatMap((e) => e.attributes)).toHaveLength(1);
  });

  it('opname_maxdur: child listed first still hangs under its parent; 2000 ns and 1000 ns', () => {
    const { set } = loadFixture('jaeger/opname_maxdur_trace.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(2);
    expect(t.parent[0]).toBe(-1);
    expect(t.parent[1]).toBe(0);
    expect(t.end[0]! - t.start[0]!).toBe(2);
    expect(t.end[1]! - t.start[1]!).toBe(1);
  });

  it('ui_01 (API object): 5 spans, 4 IDs, 2 services, int64 beyond 2^53 kept exact, error=true', () => {
    const { set, raw } = loadFixture('jaeger/ui_01.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(5);
    expect(uniqueIds(set)).toBe(4);
    expect(summarize(set).services).toHaveLength(2);
    expect(t.errorCount).toBe(1);
    const all = Array.from({ length: 5 }, (_, i) => spanDetail(set, raw, 0, i));
    const big = all.flatMap((d) => d.attributes).find((a) => a.key === 'javascript_limit');
    expect(big?.value).toEqual({ type: 'int', value: '9223372036854775222' });
    expect(all.flatMap((d) => d.attributes).find((a) => a.key === 'blob')?.value.type).toBe('bytes');
    expect(all.some((d) => d.links.some((l) => l.type === 'follows_from'))).toBe(true);
  });

  it('testTrace (UI model, {"data": object}): 4 spans, 2 services, a chain 4 deep, 40 tags', () => {
    const { set, raw } = loadFixture('jaeger/testTrace.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(4);
    expect(summarize(set).services).toEqual(['load-generator', 'ride-sharing-app']);
    expect(Math.max(...t.depth)).toBe(3);
    const tags = Array.from({ length: 4 }, (_, i) => spanDetail(set, raw, 0, i).attributes).flat();
    expect(tags).toHaveLength(40);
    expect(tags.filter((a) => a.value.type === 'int')).toHaveLength(3);
  });
});

describe('OTLP/JSON', () => {
  it('trace.json: upper-case IDs lower-cased, parent not in file marked orphan, kind SERVER', () => {
    const { set, raw } = loadFixture('otlp/trace.json');
    const t = set.traces[0]!;
    expect(t.traceId).toBe(t.traceId.toLowerCase());
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.flags[0]! & SpanFlag.Orphan).toBeTruthy();
    expect(t.parentSpanId[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(t.kind[0]).toBe(SpanKind.Server);
    expect(summarize(set).services).toEqual(['my.service']);
    expect(spanDetail(set, raw, 0, 0).scope.length).toBeGreaterThan(2);
  });

  it('jaeger-example_trace: 5 spans, 3 services, all roots, 10 unnamed events', () => {
    const { set, raw } = loadFixture('otlp/jaeger-example_trace.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(5);
    expect(t.roots).toHaveLength(5);
    expect(summarize(set).services).toHaveLength(3);
    const events = Array.from({ length: 5 }, (_, i) => spanDetail(set, raw, 0, i).events).flat();
    expect(events).toHaveLength(10);
    expect(events.every((e) => e.name === '')).toBe(true);
    expect(kinds(t)).toEqual({ [SpanKind.Unspecified]: 3, [SpanKind.Server]: 1, [SpanKind.Client]: 1 });
  });

  it('getTrace-response ({"result": ...}): 40 spans, 6 services, 1 root, 3 errors with message, 52 events, 249 attributes', () => {
    const { set, raw } = loadFixture('otlp/getTrace-response.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(40);
    expect(summarize(set).services).toEqual(['customer', 'driver', 'frontend', 'mysql', 'redis-manual', 'route']);
    expect(t.roots).toHaveLength(1);
    expect(kinds(t)).toEqual({ [SpanKind.Client]: 27, [SpanKind.Server]: 13 });
    const details = Array.from({ length: 40 }, (_, i) => spanDetail(set, raw, 0, i));
    const errors = details.filter((d) => d.error);
    expect(errors).toHaveLength(3);
    expect(errors.every((d) => d.name === 'GetDriver' || d.statusMessage !== '')).toBe(true);
    expect(details.flatMap((d) => d.events)).toHaveLength(52);
    expect(details.flatMap((d) => d.attributes)).toHaveLength(249);
  });

  it('v3-trace-local: every AnyValue type, int64 max kept exact, named event, link with traceState, status ERROR', () => {
    const { set, raw } = loadFixture('otlp/v3-trace-local-2.21.0.json');
    const t = set.traces[0]!;
    expect(t.spanCount).toBe(3);
    expect(summarize(set).services).toEqual(['lfx-wire-probe']);
    expect(t.errorCount).toBe(1);
    const root = spanDetail(set, raw, 0, t.roots[0]!);
    expect(root.statusMessage).toBe('probe error status');
    const arr = root.attributes.find((a) => a.key === 'array')!.value;
    expect(arr).toEqual({
      type: 'array',
      value: [
        { type: 'string', value: 'first' },
        { type: 'bool', value: false },
        { type: 'int', value: '9223372036854775807' },
      ],
    });
    expect(attrToString(root.attributes.find((a) => a.key === 'nested')!.value)).toBe('{child: [value]}');
    expect(root.attributes.find((a) => a.key === 'empty')!.value).toEqual({ type: 'string', value: '' });
    expect(root.events).toEqual([{ time: 500, name: 'retry', attributes: [{ key: 'attempt', value: { type: 'int', value: '1' } }] }]);
    expect(root.links).toHaveLength(1);
    expect(root.links[0]!.attributes).toContainEqual({ key: 'traceState', value: { type: 'string', value: 'vendor=example' } });
    expect(t.startUnixNs).toBe('1786934400000000000');
  });
});
