import protobuf from 'protobufjs';
import { idsToHex, OTLP_COMMON_PROTO } from './proto';
import type { OtlpSignal } from './receiver';

/**
 * OTLP logs and metrics, for the session's receiver: SDKs (the Java agent by default) send
 * every signal to the one OTEL_EXPORTER_OTLP_ENDPOINT they are given, so the receiver takes
 * /v1/logs (into the session's logs: `repro logs <session>`, the Logs pane) and /v1/metrics
 * (kept beside them for the Metrics pane) as well as /v1/traces. Field numbers are the wire
 * contract and match upstream opentelemetry-proto (v1, Apache-2.0): logs/v1/logs.proto,
 * metrics/v1/metrics.proto and collector/{logs,metrics}/v1/*_service.proto.
 */
const OTLP_LOGS_METRICS_PROTO = `
syntax = "proto3";
package otlp;
${OTLP_COMMON_PROTO}
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs {
  Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics {
  Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10;
    Summary summary = 11;
  }
  repeated KeyValue metadata = 12;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message Summary { repeated SummaryDataPoint data_points = 1; }
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
message ExponentialHistogramDataPoint {
  repeated KeyValue attributes = 1;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  sint32 scale = 6;
  fixed64 zero_count = 7;
  Buckets positive = 8;
  Buckets negative = 9;
  message Buckets {
    sint32 offset = 1;
    repeated uint64 bucket_counts = 2;
  }
  uint32 flags = 10;
  repeated Exemplar exemplars = 11;
  optional double min = 12;
  optional double max = 13;
  double zero_threshold = 14;
}
message SummaryDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  message ValueAtQuantile {
    double quantile = 1;
    double value = 2;
  }
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
message Exemplar {
  repeated KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  oneof value {
    double as_double = 3;
    sfixed64 as_int = 6;
  }
  bytes span_id = 4;
  bytes trace_id = 5;
}
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
`;

const root = protobuf.parse(OTLP_LOGS_METRICS_PROTO, { keepCase: false }).root;
const LogsRequest = root.lookupType('otlp.ExportLogsServiceRequest');
const LogsResponse = root.lookupType('otlp.ExportLogsServiceResponse');
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
const MetricsResponse = root.lookupType('otlp.ExportMetricsServiceResponse');

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true, oneofs: false } as const;

/** A protobuf ExportLogsServiceRequest as the OTLP/JSON the logs readers take (ids in hex). */
export function decodeLogsRequest(body: Uint8Array): { resourceLogs: unknown[] } {
  return idsToHex(LogsRequest.toObject(LogsRequest.decode(body), TO_OBJECT)) as { resourceLogs: unknown[] };
}

export function decodeMetricsRequest(body: Uint8Array): { resourceMetrics: unknown[] } {
  return idsToHex(MetricsRequest.toObject(MetricsRequest.decode(body), TO_OBJECT)) as { resourceMetrics: unknown[] };
}

export const encodeEmptyLogsResponse = (): Uint8Array => LogsResponse.encode(LogsResponse.create({})).finish();
export const encodeEmptyMetricsResponse = (): Uint8Array => MetricsResponse.encode(MetricsResponse.create({})).finish();

/** For tests and tools: encode OTLP/JSON-shaped requests (ids in hex) as protobuf. */
export function encodeLogsRequest(json: unknown): Uint8Array {
  return LogsRequest.encode(LogsRequest.fromObject(hexIdsToBytes(json) as Record<string, unknown>)).finish();
}
export function encodeMetricsRequest(json: unknown): Uint8Array {
  return MetricsRequest.encode(MetricsRequest.fromObject(hexIdsToBytes(json) as Record<string, unknown>)).finish();
}

function hexIdsToBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBytes);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = (k === 'traceId' || k === 'spanId') && typeof v === 'string' ? Buffer.from(v, 'hex') : hexIdsToBytes(v);
    return out;
  }
  return value;
}

/**
 * A signal as the receiver serves it: URL path, the export request's three levels (resource,
 * scope, records), where accepted requests go, the protobuf codecs.
 */
/** A signal as the receiver takes it (receiver.ts). */
export type OtlpSignalSpec = OtlpSignal;

export function logsSignal(outDir: string): OtlpSignalSpec {
  return { path: '/v1/logs', items: 'resourceLogs', scopes: ['scopeLogs', 'instrumentationLibraryLogs'], records: 'logRecords', outDir, decodeProtobuf: decodeLogsRequest, encodeProtobufResponse: encodeEmptyLogsResponse };
}

export function metricsSignal(outDir: string): OtlpSignalSpec {
  return { path: '/v1/metrics', items: 'resourceMetrics', scopes: ['scopeMetrics', 'instrumentationLibraryMetrics'], records: 'metrics', outDir, decodeProtobuf: decodeMetricsRequest, encodeProtobufResponse: encodeEmptyMetricsResponse };
}
