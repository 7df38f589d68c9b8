import protobuf from 'protobufjs';

/**
 * The part of opentelemetry-proto (v1, Apache-2.0) needed to decode
 * ExportTraceServiceRequest. Field numbers are the wire contract and must match upstream:
 * opentelemetry/proto/{common,resource,trace}/v1/*.proto and collector/trace/v1/trace_service.proto.
 */
/** The messages every signal shares (common/v1, resource/v1), in package otlp. */
export const OTLP_COMMON_PROTO = `
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
${OTLP_COMMON_PROTO}
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Event {
  fixed64 time_unix_nano = 1;
  string name = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Link {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  repeated KeyValue attributes = 4;
  uint32 dropped_attributes_count = 5;
  fixed32 flags = 6;
}
message Status {
  reserved 1;
  string message = 2;
  int32 code = 3;
}
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
// google.rpc.Status (google/rpc/status.proto): what an OTLP/HTTP error answer carries; details left out.
message RpcStatus { int32 code = 1; string message = 2; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: false }).root;
export const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('otlp.ExportTraceServiceResponse');

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON writes trace and span ids as hex, not base64 as proto3's JSON mapping would. */
export function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = ID_FIELDS.has(k) && typeof v === 'string' ? Buffer.from(v, 'base64').toString('hex') : idsToHex(v);
    }
    return out;
  }
  return value;
}

/** Decode a protobuf ExportTraceServiceRequest into the OTLP/JSON form the traces area reads. */
export function decodeTraceRequest(body: Uint8Array): { resourceSpans: unknown[] } {
  const message = ExportTraceServiceRequest.decode(body);
  const obj = ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
  return idsToHex(obj) as { resourceSpans: unknown[] };
}

export function encodeEmptyTraceResponse(): Uint8Array {
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish();
}

const RpcStatus = root.lookupType('otlp.RpcStatus');

/** A google.rpc.Status in protobuf, the body of an OTLP/HTTP error answer to a protobuf request. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.create({ code, message })).finish();
}
