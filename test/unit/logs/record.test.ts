/**
 * Log lines as real loggers write them become the same records. Lines below are in the shapes
 * of each logger's documented output (Go log/slog JSONHandler, uber-go/zap production config,
 * pino, python-json-logger, logstash-logback-encoder and logback's ECS encoder, nginx's
 * default error and access log formats, an OpenTelemetry collector file export).
 */
import { describe, expect, it } from 'vitest';
import { parseJsonLine, parseTime, recordFields, recordFromText, type LogRecord } from '../../../shared/logs/record';
import { levelInText, levelName } from '../../../shared/logs/levels';

function one(line: string, fallback = ''): LogRecord {
  const out: LogRecord[] = [];
  const err = parseJsonLine(line, fallback, (r) => out.push(r));
  expect(err).toBeUndefined();
  expect(out).toHaveLength(1);
  return out[0]!;
}

describe('log records from JSON lines', () => {
  it('reads the bundle format: ts (RFC 3339 or epoch ms), service, msg', () => {
    const a = one('{"ts":"2026-11-20T14:03:18.120Z","service":"pricing","msg":"no price for SKU-2077","level":"error","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736"}');
    expect(a).toMatchObject({ ts: Date.parse('2026-11-20T14:03:18.120Z'), service: 'pricing', msg: 'no price for SKU-2077', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(levelName(a.level)).toBe('error');
    const b = one('{"ts":1795183392123,"service":"checkout","msg":"ok"}');
    expect(b.ts).toBe(1795183392123);
    expect(levelName(b.level)).toBe('unknown');
  });

  it("reads Go's slog JSON (time with nanoseconds and an offset, level INFO/WARN+2)", () => {
    const r = one('{"time":"2024-03-05T10:15:30.123456789+01:00","level":"WARN+2","msg":"slow query","table":"prices","duration":1523000000,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"}', 'api');
    expect(r.ts).toBeCloseTo(Date.parse('2024-03-05T09:15:30.123Z') + 0.456789, 4);
    expect(levelName(r.level)).toBe('warn');
    expect(r.service).toBe('api');
    expect(r.spanId).toBe('b7ad6b7169203331');
    expect(recordFields(r)).toEqual([
      { key: 'table', value: 'prices' },
      { key: 'duration', value: '1523000000' },
    ]);
  });

  it("reads zap's epoch seconds and pino's numeric levels", () => {
    const zap = one('{"level":"error","ts":1709633730.123456,"caller":"pricing/engine.go:88","msg":"price lookup failed","sku":"SKU-2077"}');
    expect(zap.ts).toBeCloseTo(1709633730123.456, 1);
    expect(levelName(zap.level)).toBe('error');
    const pino = one('{"level":50,"time":1709633730123,"pid":7,"hostname":"pricing-0","msg":"boom"}');
    expect(levelName(pino.level)).toBe('error');
    expect(pino.ts).toBe(1709633730123);
    expect(levelName(one('{"level":30,"time":1709633730123,"msg":"x"}').level)).toBe('info');
  });

  it("reads Python's json logger (asctime without a zone is UTC, levelname, otelTraceID)", () => {
    const r = one('{"asctime": "2024-03-05 10:15:30,123", "levelname": "WARNING", "name": "shop.db", "message": "slow query took 1.52s", "otelTraceID": "0af7651916cd43dd8448eb211c80319c", "otelSpanID": "b7ad6b7169203331", "otelServiceName": "pricing"}');
    expect(r.ts).toBe(Date.parse('2024-03-05T10:15:30.123Z'));
    expect(levelName(r.level)).toBe('warn');
    expect(r.msg).toBe('slow query took 1.52s');
    expect(r.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('reads logback JSON: logstash encoder (@timestamp, level, message) and ECS (log.level, service.name, trace.id)', () => {
    const logstash = one(
      '{"@timestamp":"2024-03-05T10:15:30.123+01:00","@version":"1","message":"Payment declined for order 4711","logger_name":"com.shop.PaymentService","thread_name":"http-nio-8080-exec-3","level":"WARN","level_value":30000,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"}',
    );
    expect(levelName(logstash.level)).toBe('warn');
    expect(logstash.msg).toBe('Payment declined for order 4711');
    expect(logstash.ts).toBe(Date.parse('2024-03-05T09:15:30.123Z'));
    const ecs = one('{"@timestamp":"2024-03-05T09:15:30.123Z","log.level":"ERROR","message":"Checkout failed","ecs.version":"1.2.0","service.name":"checkout","trace":{"id":"0af7651916cd43dd8448eb211c80319c"},"process.thread.name":"main","log.logger":"com.shop.Checkout","error.stack_trace":"java.lang.IllegalStateException: pricing failed\\n\\tat com.shop.Checkout.run(Checkout.java:42)"}');
    expect(ecs.service).toBe('checkout');
    expect(levelName(ecs.level)).toBe('error');
    expect(ecs.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(recordFields(ecs).find((f) => f.key === 'error.stack_trace')?.value).toContain('IllegalStateException');
  });

  it('reads an OpenTelemetry collector file export line: one record per logRecord, service from the resource', () => {
    const line = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pricing' } }] },
          scopeLogs: [
            {
              scope: { name: 'io.opentelemetry.java' },
              logRecords: [
                { timeUnixNano: '1795183398120000000', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'no price for SKU-2077' }, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', attributes: [{ key: 'cart.id', value: { stringValue: 'legacy' } }] },
                { observedTimeUnixNano: '1795183398121000000', severityNumber: 9, body: { kvlistValue: { values: [{ key: 'event', value: { stringValue: 'priced' } }] } } },
              ],
            },
          ],
        },
      ],
    });
    const out: LogRecord[] = [];
    expect(parseJsonLine(line, '', (r) => out.push(r))).toBeUndefined();
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ service: 'pricing', msg: 'no price for SKU-2077', traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', ts: 1795183398120 });
    expect(levelName(out[0]!.level)).toBe('error');
    expect(recordFields(out[0]!)).toContainEqual({ key: 'cart.id', value: 'legacy' });
    expect(recordFields(out[0]!)).toContainEqual({ key: 'resource.service.name', value: 'pricing' });
    expect(out[1]!.ts).toBe(1795183398121);
    expect(levelName(out[1]!.level)).toBe('info');
    expect(out[1]!.msg).toContain('priced');
  });

  it('names what is wrong with a bad line, and reads a line without a message field as its fields', () => {
    expect(parseJsonLine('{"ts":1,"msg":', '', () => {})).toMatch(/^not JSON/);
    expect(parseJsonLine('[1,2]', '', () => {})).toBe('not a JSON object');
    expect(parseJsonLine('"text"', '', () => {})).toBe('not a JSON object');
    // nginx's log_format escape=json access log: no message field
    const r = one('{"time_local":"05/Mar/2024:10:15:30 +0000","remote_addr":"172.17.0.1","request":"GET /api/cart?id=7 HTTP/1.1","status":"502","body_bytes_sent":"157"}');
    expect(r.msg).toBe('time_local="05/Mar/2024:10:15:30 +0000" remote_addr=172.17.0.1 request="GET /api/cart?id=7 HTTP/1.1" status=502 body_bytes_sent=157');
  });
});

describe('plain text lines (container output)', () => {
  it("finds the level nginx's error log and common formats write, and none in an access log", () => {
    expect(levelName(levelInText('2024/03/05 10:15:30 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream'))).toBe('error');
    expect(levelName(levelInText('2024-03-05T10:15:30Z WARN pool exhausted'))).toBe('warn');
    expect(levelName(levelInText('level=info msg="started"'))).toBe('info');
    expect(levelName(levelInText('172.17.0.1 - - [05/Mar/2024:10:15:30 +0000] "GET /api/cart HTTP/1.1" 200 512 "-" "curl/8.5.0"'))).toBe('unknown');
    const r = recordFromText('panic: runtime error', 1000, 'pricing', 'stderr');
    expect(r).toMatchObject({ ts: 1000, service: 'pricing', msg: 'panic: runtime error' });
    expect(levelName(r.level)).toBe('fatal');
  });
});

describe('parseTime', () => {
  it('reads RFC 3339 in any form, epoch s/ms/µs/ns, and says NaN otherwise', () => {
    const ms = Date.parse('2026-11-20T14:03:18.120Z');
    expect(parseTime('2026-11-20T14:03:18.120Z')).toBe(ms);
    expect(parseTime('2026-11-20T14:03:18.120456Z')).toBeCloseTo(ms + 0.456, 6);
    expect(parseTime('2026-11-20T14:03:18Z')).toBe(ms - 120);
    expect(parseTime('2026-11-20T15:03:18.12+01:00')).toBe(ms);
    expect(parseTime('2026-11-20 14:03:18,120')).toBe(ms);
    expect(parseTime('2026-11-20T14:03:18.120')).toBe(ms);
    expect(parseTime(ms / 1000)).toBe(ms);
    expect(parseTime(ms)).toBe(ms);
    expect(parseTime(ms * 1000)).toBe(ms);
    expect(parseTime(`${ms}000000`)).toBe(ms);
    expect(parseTime('yesterday')).toBeNaN();
    expect(parseTime(undefined)).toBeNaN();
  });
});
