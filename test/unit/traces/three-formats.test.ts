/** The same traces written as OTLP, Jaeger and Zipkin give the same summary and the same tree. */
import { describe, expect, it } from 'vitest';
import { importTraceDocuments, type ImportResult } from '../../../shared/traces/detect';
import { summarize } from '../../../shared/traces/summary';
import { criticalPathSections } from '../../../shared/traces/critical-path';
import { otlpToJaeger, otlpToMicros, otlpToZipkin } from './convert';
import { fixtureText, loadFixture } from './fixtures';

function shape(r: ImportResult) {
  const t = r.set.traces[0]!;
  // Tree and timing by span ID, independent of how each importer numbers spans.
  return t.spanId
    .map((id, i) => ({
      id,
      parent: t.parent[i]! >= 0 ? t.spanId[t.parent[i]!] : '',
      service: r.set.services[t.service[i]!],
      name: r.set.names[t.name[i]!],
      start: t.start[i],
      end: t.end[i],
      kind: t.kind[i],
      flags: t.flags[i],
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('one trace in three formats', () => {
  const otlp = otlpToMicros(JSON.parse(fixtureText('otlp/getTrace-response.json')).result);
  const fromOtlp = importTraceDocuments([{ name: 'otlp', doc: otlp }]);
  const fromJaeger = importTraceDocuments([{ name: 'jaeger', doc: otlpToJaeger(otlp) }]);
  const fromZipkin = importTraceDocuments([{ name: 'zipkin', doc: otlpToZipkin(otlp) }]);

  it('detects each format', () => {
    expect(fromOtlp.set.formats).toEqual(['otlp']);
    expect(fromJaeger.set.formats).toEqual(['jaeger']);
    expect(fromZipkin.set.formats).toEqual(['zipkin']);
  });

  it('gives the same summary (counts, services, errors, longest trace and its critical path)', () => {
    const s = summarize(fromOtlp.set);
    expect(s.spans).toBe(40);
    expect(s.errorSpans).toBe(3);
    expect(s.longestTrace!.criticalPath.length).toBeGreaterThan(3);
    expect(summarize(fromJaeger.set)).toEqual(s);
    expect(summarize(fromZipkin.set)).toEqual(s);
  });

  it('gives the same tree, times, kinds and flags', () => {
    const o = shape(fromOtlp);
    expect(shape(fromJaeger)).toEqual(o);
    expect(shape(fromZipkin)).toEqual(o);
    expect(criticalPathSections(fromJaeger.set.traces[0]!)).toEqual(criticalPathSections(fromOtlp.set.traces[0]!));
  });

  it('Jaeger storage model and its OTLP version (real pair from the Jaeger repo) agree', () => {
    const a = summarize(loadFixture('jaeger/example_trace.json').set);
    const b = summarize(loadFixture('otlp/jaeger-example_trace.json').set);
    expect(b).toEqual(a);
  });
});
