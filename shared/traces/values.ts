/** Small decoders shared by the importers: IDs, timestamps, durations, attribute values. */
import type { Attribute, AttrValue } from './model';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * IDs become lower-case hex. Hex input is only lower-cased; base64 (Jaeger's storage model,
 * proto3 JSON of bytes) is decoded. Short hex is left-padded to 16 digits and 17-31 digits
 * to 32, the way Zipkin normalises, so the same span has the same ID in every format.
 */
// Every span of a trace repeats its trace ID: remember the last one normalised.
let lastRawId: unknown;
let lastId = '';

export function normalizeId(raw: unknown): string {
  if (raw === lastRawId) return lastId;
  const id = normalizeIdUncached(raw);
  lastRawId = raw;
  lastId = id;
  return id;
}

const LOWER_HEX_16_32 = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

function normalizeIdUncached(raw: unknown): string {
  // The common case, already canonical: no lower-casing copy, no padding.
  if (typeof raw === 'string' && LOWER_HEX_16_32.test(raw)) return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) raw = raw.toString(16);
  if (typeof raw !== 'string' || raw === '') return '';
  let hex: string;
  if (HEX.test(raw)) {
    hex = raw.toLowerCase();
  } else if (BASE64.test(raw)) {
    hex = base64ToHex(raw);
  } else {
    return raw;
  }
  if (hex.length < 16) return hex.padStart(16, '0');
  if (hex.length > 16 && hex.length < 32) return hex.padStart(32, '0');
  return hex;
}

export function base64ToHex(b64: string): string {
  const std = b64.replace(/-/g, '+').replace(/_/g, '/');
  let bin: string;
  try {
    bin = atob(std);
  } catch {
    return b64;
  }
  let out = '';
  for (let i = 0; i < bin.length; i++) out += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return out;
}

/** A point in time as integer microseconds since the epoch plus the nanoseconds beyond them. */
export interface Instant {
  us: number;
  ns: number;
}

/**
 * Nanoseconds since the epoch, as OTLP writes them: a decimal string (exact) or a number
 * (already rounded by whoever wrote it). Splitting the string keeps every digit.
 */
export function parseUnixNano(v: unknown): Instant | undefined {
  if (typeof v === 'string') {
    if (v.length > 3) {
      const us = Number(v.slice(0, -3));
      const ns = Number(v.slice(-3));
      if (Number.isFinite(us) && Number.isFinite(ns)) return { us, ns };
      return undefined;
    }
    const ns = Number(v);
    return Number.isFinite(ns) ? { us: 0, ns } : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    const us = Math.floor(v / 1000);
    return { us, ns: Math.max(0, Math.min(999, Math.round(v - us * 1000))) };
  }
  return undefined;
}

/** Nanoseconds between two OTLP timestamps, as microseconds (fractional), without precision loss. */
export function nanoDiffUs(a: Instant, b: Instant): number {
  return b.us - a.us + (b.ns - a.ns) / 1000;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d\d:?\d\d)$/;

/** RFC 3339 with up to nanosecond fractions (Jaeger's storage model). */
export function parseRfc3339(v: unknown): Instant | undefined {
  if (typeof v !== 'string') return undefined;
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  const ms = Date.parse(m[1] + (m[3] === 'z' ? 'Z' : m[3]!));
  if (!Number.isFinite(ms)) return undefined;
  const frac = Number((m[2] ?? '').padEnd(9, '0'));
  return { us: ms * 1000 + Math.floor(frac / 1000), ns: frac % 1000 };
}

const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const UNIT_US: Record<string, number> = { ns: 1e-3, us: 1, µs: 1, μs: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

/** Go duration strings ("100000ns", "1m30.5s") and proto3 Duration JSON ("0.000100s"), in µs. */
export function parseGoDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v / 1000; // protobuf int64 nanoseconds
  if (typeof v !== 'string' || v === '') return undefined;
  let s = v;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  let total = 0;
  let consumed = 0;
  GO_DURATION_PART.lastIndex = 0;
  for (let m = GO_DURATION_PART.exec(s); m; m = GO_DURATION_PART.exec(s)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * UNIT_US[m[2]!]!;
    consumed = m.index + m[0].length;
  }
  return consumed === s.length ? sign * total : undefined;
}

/** An int64 that may arrive as a number or a string; returned as an exact decimal string. */
export function int64String(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

/** OTLP AnyValue (proto3 JSON) to AttrValue. */
export function fromAnyValue(v: unknown): AttrValue {
  if (!v || typeof v !== 'object') return { type: 'empty' };
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return { type: 'string', value: String(o.stringValue ?? '') };
  if ('boolValue' in o) return { type: 'bool', value: o.boolValue === true || o.boolValue === 'true' };
  if ('intValue' in o) return { type: 'int', value: int64String(o.intValue) };
  if ('doubleValue' in o) return { type: 'double', value: Number(o.doubleValue) };
  if ('bytesValue' in o) return { type: 'bytes', value: String(o.bytesValue ?? '') };
  if ('arrayValue' in o) {
    const values = (o.arrayValue as { values?: unknown[] } | null)?.values;
    return { type: 'array', value: Array.isArray(values) ? values.map(fromAnyValue) : [] };
  }
  if ('kvlistValue' in o) {
    const values = (o.kvlistValue as { values?: unknown[] } | null)?.values;
    return { type: 'kvlist', value: fromKeyValues(values) };
  }
  return { type: 'empty' };
}

/** OTLP KeyValue list to attributes. */
export function fromKeyValues(list: unknown): Attribute[] {
  if (!Array.isArray(list)) return [];
  const out: Attribute[] = [];
  for (const kv of list) {
    if (kv && typeof kv === 'object') {
      const { key, value } = kv as { key?: unknown; value?: unknown };
      out.push({ key: String(key ?? ''), value: fromAnyValue(value) });
    }
  }
  return out;
}

/** Find a string-valued OTLP attribute without building the whole list (hot path). */
export function otlpStringAttr(list: unknown, key: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const kv of list) {
    if (kv && (kv as { key?: unknown }).key === key) {
      const v = (kv as { value?: { stringValue?: unknown } }).value;
      return v && typeof v.stringValue === 'string' ? v.stringValue : undefined;
    }
  }
  return undefined;
}

/** Jaeger tags in either the API shape {key,type,value} or the storage shape {key,vType,vStr,...}. */
export function fromJaegerTags(list: unknown): Attribute[] {
  if (!Array.isArray(list)) return [];
  const out: Attribute[] = [];
  for (const t of list) {
    if (t && typeof t === 'object') out.push({ key: String((t as { key?: unknown }).key ?? ''), value: jaegerTagValue(t) });
  }
  return out;
}

function jaegerTagValue(t: object): AttrValue {
  const o = t as Record<string, unknown>;
  const type = String(o.vType ?? o.type ?? 'string').toLowerCase();
  const value = 'vType' in o ? storageValue(o, type) : o.value;
  switch (type) {
    case 'bool':
      return { type: 'bool', value: value === true || value === 'true' };
    case 'int64':
      return { type: 'int', value: value === undefined ? '0' : int64String(value) };
    case 'float64':
      return { type: 'double', value: Number(value ?? 0) };
    case 'binary':
      return { type: 'bytes', value: String(value ?? '') };
    default:
      return { type: 'string', value: value === undefined || value === null ? '' : String(value) };
  }
}

// Protobuf JSON omits zero values, so a missing vInt64 means 0 and a missing vBool false.
function storageValue(o: Record<string, unknown>, type: string): unknown {
  switch (type) {
    case 'bool':
      return o.vBool ?? false;
    case 'int64':
      return o.vInt64 ?? 0;
    case 'float64':
      return o.vFloat64 ?? 0;
    case 'binary':
      return o.vBinary ?? '';
    default:
      return o.vStr ?? '';
  }
}

export function attr(key: string, value: string): Attribute {
  return { key, value: { type: 'string', value } };
}
