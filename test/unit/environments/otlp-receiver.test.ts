import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../electron/services/environments/otlp/receiver';

const dir = mkdtempSync(join(tmpdir(), 'otlp-'));
let receiver: OtlpReceiver;
let url: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver({ host: '127.0.0.1', outDir: dir });
  url = `http://127.0.0.1:${receiver.port}/v1/traces`;
});
afterAll(() => receiver.close());

/**
 * An ExportTraceServiceRequest written field by field with the wire numbers of
 * opentelemetry-proto (independent of the receiver's .proto text).
 */
const lo = (n: bigint) => Number(n & 0xffffffffn);
const hi = (n: bigint) => Number(n >> 32n);

function protobufRequest(): Uint8Array {
  const W = protobuf.Writer;
  const kv = (key: string, str: string) => {
    const any = W.create().uint32((1 << 3) | 2).string(str).finish(); // AnyValue.string_value = 1
    return W.create().uint32((1 << 3) | 2).string(key).uint32((2 << 3) | 2).bytes(any).finish();
  };
  const intKv = (key: string, n: number) => {
    const any = W.create().uint32((3 << 3) | 0).int64(n).finish(); // AnyValue.int_value = 3
    return W.create().uint32((1 << 3) | 2).string(key).uint32((2 << 3) | 2).bytes(any).finish();
  };
  const span = W.create()
    .uint32((1 << 3) | 2).bytes(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')) // trace_id
    .uint32((2 << 3) | 2).bytes(Buffer.from('eee19b7ec3c1b174', 'hex')) // span_id
    .uint32((4 << 3) | 2).bytes(Buffer.from('eee19b7ec3c1b173', 'hex')) // parent_span_id
    .uint32((5 << 3) | 2).string('GET /cgi-bin/price') // name
    .uint32((6 << 3) | 0).int32(2) // kind SERVER
    .uint32((7 << 3) | 1).fixed32(lo(1_763_647_380_000_000_000n)).fixed32(hi(1_763_647_380_000_000_000n)) // start_time_unix_nano (fixed64)
    .uint32((8 << 3) | 1).fixed32(lo(1_763_647_380_250_000_000n)).fixed32(hi(1_763_647_380_250_000_000n)) // end_time_unix_nano
    .uint32((9 << 3) | 2).bytes(intKv('http.status_code', 500))
    .finish();
  const scopeSpans = W.create().uint32((2 << 3) | 2).bytes(span).finish();
  const resource = W.create().uint32((1 << 3) | 2).bytes(kv('service.name', 'pricing')).finish();
  const resourceSpans = W.create().uint32((1 << 3) | 2).bytes(resource).uint32((2 << 3) | 2).bytes(scopeSpans).finish();
  return W.create().uint32((1 << 3) | 2).bytes(resourceSpans).finish();
}

const stored = () => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

describe('OTLP/HTTP receiver', () => {
  it('stores a protobuf request as OTLP/JSON (hex ids, string int64s)', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(protobufRequest()) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const [doc] = stored().slice(-1);
    const rs = doc.resourceSpans[0];
    expect(rs.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'pricing' } }]);
    const span = rs.scopeSpans[0].spans[0];
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'GET /cgi-bin/price',
      kind: 2,
      startTimeUnixNano: '1763647380000000000',
      endTimeUnixNano: '1763647380250000000',
      attributes: [{ key: 'http.status_code', value: { intValue: '500' } }],
    });
  });

  it('accepts gzip-compressed JSON as is', async () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'aa', spanId: 'bb', name: 'json-span' }] }] }] };
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(body)) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(stored().slice(-1)[0]).toEqual(body);
  });

  it('rejects what is not an OTLP trace export, storing nothing', async () => {
    const before = stored().length;
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0xff, 0xff, 0xff]) })).status).toBe(400);
    expect((await fetch(url.replace('/v1/traces', '/v1/metrics'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
    expect(stored().length).toBe(before);
  });
});
