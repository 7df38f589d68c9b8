import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MetricImportError,
  matchesSelector,
  parsePrometheusText,
  parseSampleValue,
  pooledValues,
  selectSeries,
} from '../../../shared/canary/prometheus';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/metrics/${name}`, import.meta.url)), 'utf8');

describe('Prometheus query_range import (Kayenta test responses)', () => {
  it('reads a series with labels', () => {
    const series = parsePrometheusText(fixture('rangeQueryWithTags.json'), 'rangeQueryWithTags.json');
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({ exception: 'InternalServerError', method: 'GET', uri: '/uri-1' });
    expect(series[0]!.points).toHaveLength(57);
    const [first] = series[0]!.points;
    expect(Number.isInteger(first!.t)).toBe(true);
    expect(first!.t).toBeGreaterThan(1.5e12); // milliseconds, not seconds
    expect(series[0]!.points.every((p) => Number.isFinite(p.v))).toBe(true);
    // 1 s step.
    expect(series[0]!.points[1]!.t - series[0]!.points[0]!.t).toBe(1000);
  });

  it('reads a series with an empty label set, which every selector-free query matches', () => {
    const series = parsePrometheusText(fixture('rangeQueryWithoutTags.json'), 'rangeQueryWithoutTags.json');
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({});
    expect(series[0]!.points).toHaveLength(58);
    expect(selectSeries(series, {})).toHaveLength(1);
    expect(selectSeries(series, { track: 'canary' })).toHaveLength(0);
  });

  it('reads an empty result', () => {
    expect(parsePrometheusText(fixture('rangeQueryEmpty.json'), 'rangeQueryEmpty.json')).toEqual([]);
  });

  it('picks series by label selectors', () => {
    const series = parsePrometheusText(fixture('rangeQueryWithTags.json'), 'x.json');
    expect(selectSeries(series, { method: 'GET' })).toHaveLength(1);
    expect(selectSeries(series, { method: 'GET', uri: '/uri-1' })).toHaveLength(1);
    expect(selectSeries(series, { method: 'POST' })).toHaveLength(0);
    expect(matchesSelector({ a: '1' }, { a: '1', b: '2' })).toBe(false);
  });

  it('keeps NaN and infinities as numbers', () => {
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    expect(parseSampleValue('1e-3')).toBe(0.001);
    expect(() => parseSampleValue('fast')).toThrow(/not a Prometheus sample value/);
    const text = JSON.stringify({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { track: 'canary' }, values: [[1, 'NaN'], [2, '+Inf'], [3, '-Inf'], [4, '0.25']] }] },
    });
    const series = parsePrometheusText(text, 'm.json');
    expect(pooledValues(series)).toEqual([NaN, Infinity, -Infinity, 0.25]);
  });

  it('names the file and the place of bad input', () => {
    const bad = (doc: unknown) => () => parsePrometheusText(JSON.stringify(doc), 'metrics/latency.json');
    expect(() => parsePrometheusText('{', 'metrics/latency.json')).toThrow(/metrics\/latency.json: not valid JSON/);
    expect(bad({ status: 'error', errorType: 'bad_data', error: 'parse error' })).toThrow(/Prometheus error: bad_data parse error/);
    expect(bad({ status: 'success', data: { resultType: 'vector', result: [] } })).toThrow(/"matrix"/);
    expect(bad({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, 2]] }] } })).toThrow(
      /data\.result\[0\]\.values\[0\]\[1\] must be the value as a string/,
    );
    expect(bad({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: 1 }, values: [] }] } })).toThrow(MetricImportError);
  });
});
