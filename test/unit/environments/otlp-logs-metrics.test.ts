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
