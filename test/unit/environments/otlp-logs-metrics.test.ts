/** Protobuf OTLP logs and metrics decode to the OTLP/JSON the readers take (ids as hex, 64-bit times as decimal strings). */
import { describe, expect, it } from 'vitest';
import { decodeLogsRequest, decodeMetricsRequest, encodeLogsRequest, encodeMetricsRequest } from '../../../electron/services/environments/otlp/logs-metrics';
import { recordsFromOtlp } from '../../../shared/logs/record';

const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'pricing' } }] };

describe('OTLP logs and metrics in protobuf', () => {
  it('decodes an ExportLogsServiceRequest into records with their trace ids', () => {
    const json = {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: 'io.opentelemetry.javaagent' },
              logRecords: [
                { timeUnixNano: '1795183398120000000', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'no price for SKU-2077' }, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', attributes: [{ key: 'cart.id', value: { stringValue: 'legacy' } }] },
              ],
            },
          ],
        },
      ],
    };
    const decoded = decodeLogsRequest(encodeLogsRequest(json));
    expect(decoded).toMatchObject(json);
    const [rec] = [...recordsFromOtlp(decoded)];
    expect(rec).toMatchObject({ service: 'pricing', msg: 'no price for SKU-2077', traceId: '5b8efff798038103d269b633813fc60c', ts: 1795183398120 });
  });

  it('decodes an ExportMetricsServiceRequest (sum and histogram)', () => {
    const json = {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                { name: 'http.server.requests', unit: '1', sum: { dataPoints: [{ timeUnixNano: '1795183398120000000', asInt: '42', attributes: [{ key: 'http.route', value: { stringValue: '/cgi-bin/price' } }] }], aggregationTemporality: 2, isMonotonic: true } },
                { name: 'http.server.duration', unit: 'ms', histogram: { dataPoints: [{ timeUnixNano: '1795183398120000000', count: '3', sum: 312.5, bucketCounts: ['1', '2'], explicitBounds: [100] }], aggregationTemporality: 2 } },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeMetricsRequest(encodeMetricsRequest(json))).toMatchObject(json);
  });
});

describe('the receiver takes logs and metrics beside traces', () => {
  it('stores /v1/logs (protobuf with gzip, JSON) where the logs readers find them, and /v1/metrics for later', async () => {
    const { mkdtempSync, readdirSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { gzipSync } = await import('node:zlib');
    const protobuf = (await import('protobufjs')).default;
    const { startOtlpReceiver, tracesSignal } = await import('../../../electron/services/environments/otlp/receiver');
    const { logsSignal, metricsSignal } = await import('../../../electron/services/environments/otlp/logs-metrics');
    const { findLogFiles, readLogFiles } = await import('../../../electron/services/logs/read');
    const dir = mkdtempSync(join(tmpdir(), 'otlp-logs-'));
    const receiver = await startOtlpReceiver({ host: '127.0.0.1', signals: [tracesSignal(join(dir, 'otlp')), logsSignal(join(dir, 'otlp-logs')), metricsSignal(join(dir, 'otlp-metrics'))] });
    try {
      const base = `http://127.0.0.1:${receiver.port}`;
      // A LogRecord written field by field with opentelemetry-proto's wire numbers (independent of our .proto text).
      const W = protobuf.Writer;
      const t = 1_795_183_398_120_000_000n;
      const any = W.create().uint32((1 << 3) | 2).string('no price for SKU-2077').finish();
      const record = W.create()
        .uint32((1 << 3) | 1).fixed32(Number(t & 0xffffffffn)).fixed32(Number(t >> 32n)) // time_unix_nano
        .uint32((2 << 3) | 0).int32(17) // severity_number ERROR
        .uint32((5 << 3) | 2).bytes(any) // body
        .uint32((9 << 3) | 2).bytes(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')) // trace_id
        .uint32((10 << 3) | 2).bytes(Buffer.from('eee19b7ec3c1b174', 'hex')) // span_id
        .finish();
      const scopeLogs = W.create().uint32((2 << 3) | 2).bytes(record).finish();
      const kv = W.create().uint32((1 << 3) | 2).string('service.name').uint32((2 << 3) | 2).bytes(W.create().uint32((1 << 3) | 2).string('pricing').finish()).finish();
      const resource = W.create().uint32((1 << 3) | 2).bytes(kv).finish();
      const resourceLogs = W.create().uint32((1 << 3) | 2).bytes(resource).uint32((2 << 3) | 2).bytes(scopeLogs).finish();
      const body = W.create().uint32((1 << 3) | 2).bytes(resourceLogs).finish();
      const proto = await fetch(`${base}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: gzipSync(body) });
      expect(proto.status).toBe(200);
      expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
      const json = await fetch(`${base}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1795183398121000000', severityText: 'ERROR', body: { stringValue: 'pricing failed for cart legacy, answering 502' } }] }] }] }) });
      expect(json.status).toBe(200);
      const metrics = await fetch(`${base}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'http.server.requests', sum: { dataPoints: [{ asInt: '1' }] } }] }] }] }) });
      expect(metrics.status).toBe(200);
      expect(readdirSync(join(dir, 'otlp-metrics'))).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(dir, 'otlp-metrics', readdirSync(join(dir, 'otlp-metrics'))[0]!), 'utf8')).resourceMetrics[0].scopeMetrics[0].metrics[0].name).toBe('http.server.requests');
      const notServed = await fetch(`${base}/v1/profiles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(notServed.status).toBe(404);
      expect(await notServed.text()).toContain('/v1/traces, /v1/logs, /v1/metrics');
      const recs: Array<{ service: string; msg: string; traceId: string; level: number }> = [];
      await readLogFiles((await findLogFiles(join(dir, 'otlp-logs'))).files, { onRecord: (r) => recs.push(r) });
      expect(recs.map((r) => [r.service, r.msg, r.traceId, r.level])).toEqual([
        ['pricing', 'no price for SKU-2077', '5b8efff798038103d269b633813fc60c', 5],
        ['checkout', 'pricing failed for cart legacy, answering 502', '', 5],
      ]);
    } finally {
      await receiver.close();
    }
  });
});
