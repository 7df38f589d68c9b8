/**
 * One log line as the workbench understands it, whatever wrote it: the bundle format's
 * `{ts, service, msg}` lines, what real JSON loggers write (Go's slog, zap, pino, bunyan,
 * Python's json logger and structlog, logback's JSON encoders, ECS), OTLP/JSON log exports
 * (`resourceLogs`, one record per logRecord) and, for container output, plain text.
 */
import { fromKeyValues, normalizeId, parseUnixNano } from '../traces/values';
import { attrToString, type Attribute } from '../traces/model';
import { Level, levelFromNumber, levelFromSeverityNumber, levelFromText, levelInText, type LevelCode } from './levels';

export interface LogRecord {
  /** ms since the epoch; NaN when the line carries no time we can read. */
  ts: number;
  service: string;
  level: LevelCode;
  msg: string;
  /** Lower-case hex, or '' */
  traceId: string;
  spanId: string;
  /** Everything else the line said, for the detail view; built only when asked (see recordFields). */
  source: RecordSource;
}

export type RecordSource =
  | { kind: 'json'; object: Record<string, unknown> }
  | { kind: 'otlp'; record: Record<string, unknown>; resource: unknown; scope: unknown }
  | { kind: 'text'; stream?: string };

/** Where a record came from, for messages and the detail view. */
export interface LinePosition {
  file: string;
  /** 1-based */
  line: number;
}

export interface BadLine extends LinePosition {
  error: string;
  /** The start of the line, to show beside the error. */
  text: string;
}

// Field names real exporters use, in the order they are tried.
const TIME_KEYS = ['ts', 'timestamp', '@timestamp', 'time', 'datetime', 'asctime', 'date', 'timeUnixNano'] as const;
const MSG_KEYS = ['msg', 'message', '@message', 'event', 'body', 'log', 'text'] as const;
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'log.level', 'loglevel', 'severity_text', 'severityText', 'level_name', 'severityNumber', 'severity_number'] as const;
const SERVICE_KEYS = ['service', 'service.name', 'service_name', 'serviceName', 'app', 'application'] as const;
const TRACE_KEYS = ['trace_id', 'traceId', 'trace.id', 'traceID', 'traceid', 'otelTraceID', 'trace'] as const;
const SPAN_KEYS = ['span_id', 'spanId', 'span.id', 'spanID', 'spanid', 'otelSpanID'] as const;
const CONSUMED = new Set<string>([...TIME_KEYS, ...MSG_KEYS, ...LEVEL_KEYS, ...SERVICE_KEYS, ...TRACE_KEYS, ...SPAN_KEYS]);

/**
 * Finds the first present field of a list of names; remembers which name matched, since one
 * logger writes every line alike (one property read per line instead of a scan). Dotted names
 * also match nested objects ({"trace":{"id":...}} for "trace.id").
 */
class FieldFinder {
  private readonly paths: ReadonlyArray<readonly string[] | undefined>;
  private last = 0;
  constructor(readonly names: readonly string[]) {
    this.paths = names.map((k) => (k.includes('.') && !k.startsWith('@') ? k.split('.') : undefined));
  }
  private get(obj: Record<string, unknown>, i: number): unknown {
    const v = obj[this.names[i]!];
    const path = this.paths[i];
    if (v !== undefined || !path) return v;
    let cur: unknown = obj;
    for (const part of path) {
      if (!cur || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }
  /** The value, or undefined; `name` then says which field it was. */
  find(obj: Record<string, unknown>): unknown {
    let v = this.get(obj, this.last);
    if (v !== undefined && v !== null && v !== '') return v;
    for (let i = 0; i < this.names.length; i++) {
      if (i === this.last) continue;
      v = this.get(obj, i);
      if (v !== undefined && v !== null && v !== '') {
        this.last = i;
        return v;
      }
    }
    return undefined;
  }
  get name(): string {
    return this.names[this.last]!;
  }
}

const timeField = new FieldFinder(TIME_KEYS);
const levelField = new FieldFinder(LEVEL_KEYS);
const serviceField = new FieldFinder(SERVICE_KEYS);
const msgField = new FieldFinder(MSG_KEYS);
const traceField = new FieldFinder(TRACE_KEYS);
const spanField = new FieldFinder(SPAN_KEYS);

// "2024-01-15 10:30:00,123" (Python's asctime), "2024-01-15T10:30:00.123456789", with or without a zone.
const LOOSE_ISO = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:[.,](\d{1,9}))?\s*(Z|z|UTC|[+-]\d\d:?\d\d)?$/;

/**
 * A time as loggers write it, in ms since the epoch: RFC 3339 (any fraction; a time without a
 * zone is read as UTC, never as this machine's local time), epoch numbers in s, ms, µs or ns
 * (told apart by size), and OTLP's decimal nanosecond strings.
 */
export function parseTime(v: unknown): number {
  if (typeof v === 'number') return epochToMs(v);
  if (typeof v !== 'string' || v === '') return NaN;
  // The common case, RFC 3339 in UTC ("2026-11-20T14:03:12.123456Z"): lines come in time order,
  // so the seconds are usually the previous line's; only the fraction is read by hand.
  if (v.length >= 20 && v.charCodeAt(10) === 84 && v.charCodeAt(v.length - 1) === 90) {
    const t = utcFast(v);
    if (t === t) return t; // not NaN
  }
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57 && /^\d+(\.\d+)?$/.test(v)) {
    if (v.length > 16 && !v.includes('.')) {
      const t = parseUnixNano(v);
      return t ? t.us / 1000 + t.ns / 1e6 : NaN;
    }
    return epochToMs(Number(v));
  }
  const m = LOOSE_ISO.exec(v);
  if (!m) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : NaN;
  }
  const zone = !m[4] || m[4] === 'UTC' || m[4] === 'z' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4];
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
  const frac = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
  const t = Date.parse(`${m[1]}T${time}${frac}${zone}`);
  if (!Number.isFinite(t)) return NaN;
  return m[3] && m[3].length > 3 ? t + Number(`0.${m[3].slice(3)}`) : t;
}

let lastSecond = '';
let lastSecondMs = NaN;

function utcFast(v: string): number {
  if (!v.startsWith(lastSecond) || lastSecond === '') {
    const ms = Date.parse(v.slice(0, 19) + 'Z');
    if (ms !== ms) return NaN;
    lastSecond = v.slice(0, 19);
    lastSecondMs = ms;
  }
  if (v.length === 20) return lastSecondMs;
  if (v.charCodeAt(19) !== 46) return NaN;
  // ".123Z", ".123456789Z": milliseconds with their fraction
  let frac = 0;
  let scale = 100;
  for (let i = 20; i < v.length - 1; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    frac += d * scale;
    scale /= 10;
  }
  return lastSecondMs + frac;
}

/** Epoch seconds (zap, structlog), ms (the spec, pino), µs or ns, told apart by magnitude. */
function epochToMs(n: number): number {
  if (!Number.isFinite(n) || n < 0) return NaN;
  if (n < 1e11) return n * 1000;
  if (n < 1e14) return n;
  if (n < 1e17) return n / 1000;
  return n / 1e6;
}

function levelOf(v: unknown, key: string): LevelCode {
  if (typeof v === 'string') return levelFromText(v);
  if (typeof v === 'number') return key === 'severityNumber' || key === 'severity_number' ? levelFromSeverityNumber(v) : levelFromNumber(v);
  return Level.unknown;
}

/** 16 or 32 lower-case hex digits (checked by hand: a regex here costs more than the JSON parse of the id). */
function isCanonicalId(v: string): boolean {
  if (v.length !== 32 && v.length !== 16) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function idOf(v: unknown): string {
  if (typeof v === 'string' && isCanonicalId(v)) return v;
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  const id = normalizeId(v);
  return /^[0-9a-f]{16,32}$/.test(id) ? id : '';
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'stringValue' in v) return String((v as { stringValue: unknown }).stringValue);
  return JSON.stringify(v);
}

/**
 * One JSON log object (already parsed). `fallbackService` names lines without a service field
 * (a bundle's logs/checkout.jsonl says "checkout" by its name). A line without any message field
 * (an nginx JSON access log) gets its other fields as `key=value` pairs for a message.
 */
export function recordFromObject(obj: Record<string, unknown>, fallbackService = ''): LogRecord {
  const t = timeField.find(obj);
  const l = levelField.find(obj);
  const sv = serviceField.find(obj);
  const m = msgField.find(obj);
  const tr = traceField.find(obj);
  const sp = spanField.find(obj);
  const service = typeof sv === 'string' ? sv : sv && typeof sv === 'object' ? text((sv as { name?: unknown }).name ?? '') : fallbackService;
  return {
    ts: t === undefined ? NaN : parseTime(t),
    service,
    level: l === undefined ? Level.unknown : levelOf(l, levelField.name),
    msg: m === undefined ? logfmt(obj) : typeof m === 'string' ? m : text(m),
    traceId: tr === undefined ? '' : idOf(tr),
    spanId: sp === undefined ? '' : idOf(sp),
    source: { kind: 'json', object: obj },
  };
}

function logfmt(obj: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (CONSUMED.has(k)) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
  }
  return parts.join(' ');
}

/** Is this parsed line an OTLP/JSON logs export (ExportLogsServiceRequest)? */
export function isOtlpLogs(obj: unknown): obj is { resourceLogs: unknown[] } {
  return !!obj && typeof obj === 'object' && Array.isArray((obj as { resourceLogs?: unknown }).resourceLogs);
}

/** Every logRecord of an OTLP/JSON logs export, with its resource's service.name. */
export function* recordsFromOtlp(doc: { resourceLogs: unknown[] }, fallbackService = ''): Generator<LogRecord> {
  for (const rl of doc.resourceLogs) {
    if (!rl || typeof rl !== 'object') continue;
    const resource = (rl as { resource?: { attributes?: unknown } }).resource;
    let service = fallbackService;
    if (Array.isArray(resource?.attributes)) {
      for (const kv of resource.attributes as Array<{ key?: unknown; value?: { stringValue?: unknown } }>) {
        if (kv?.key === 'service.name' && typeof kv.value?.stringValue === 'string') service = kv.value.stringValue;
      }
    }
    const scopes = (rl as { scopeLogs?: unknown; instrumentationLibraryLogs?: unknown }).scopeLogs ?? (rl as { instrumentationLibraryLogs?: unknown }).instrumentationLibraryLogs;
    if (!Array.isArray(scopes)) continue;
    for (const sl of scopes) {
      const records = (sl as { logRecords?: unknown } | null)?.logRecords;
      if (!Array.isArray(records)) continue;
      const scope = (sl as { scope?: unknown }).scope;
      for (const r of records) {
        if (!r || typeof r !== 'object') continue;
        const rec = r as Record<string, unknown>;
        const sev = typeof rec.severityNumber === 'number' ? levelFromSeverityNumber(rec.severityNumber) : typeof rec.severityNumber === 'string' ? levelFromText(String(rec.severityNumber).replace(/^SEVERITY_NUMBER_/, '')) : Level.unknown;
        const time = parseTime(rec.timeUnixNano !== undefined && rec.timeUnixNano !== '0' && rec.timeUnixNano !== 0 ? rec.timeUnixNano : rec.observedTimeUnixNano);
        yield {
          ts: time,
          service,
          level: sev !== Level.unknown ? sev : typeof rec.severityText === 'string' ? levelFromText(rec.severityText) : Level.unknown,
          msg: bodyText(rec.body),
          traceId: idOf(rec.traceId),
          spanId: idOf(rec.spanId),
          source: { kind: 'otlp', record: rec, resource, scope },
        };
      }
    }
  }
}

function bodyText(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body : '';
  const b = body as Record<string, unknown>;
  if (typeof b.stringValue === 'string') return b.stringValue;
  return attrToString(fromKeyValues([{ key: '', value: body }])[0]!.value);
}

/** A plain text line (a container's output): the level if it says one, the whole line as the message. */
export function recordFromText(line: string, ts: number, service: string, stream?: string): LogRecord {
  return { ts, service, level: levelInText(line), msg: line, traceId: '', spanId: '', source: { kind: 'text', ...(stream ? { stream } : {}) } };
}

/**
 * One line of a `.jsonl` file: a log object, or an OTLP/JSON export on one line (the
 * collector's file exporter writes those), given to `onRecord` (once, or once per logRecord).
 * Returns why the line is bad, or undefined.
 */
export function parseJsonLine(line: string, fallbackService: string, onRecord: (rec: LogRecord) => void): string | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
  if (isOtlpLogs(obj)) {
    for (const rec of recordsFromOtlp(obj, fallbackService)) onRecord(rec);
  } else {
    onRecord(recordFromObject(obj as Record<string, unknown>, fallbackService));
  }
  return undefined;
}

export interface RecordField {
  key: string;
  value: string;
}

/** The fields of a record the columns do not show (for the detail view), flattened to dotted keys. */
export function recordFields(rec: LogRecord): RecordField[] {
  const out: RecordField[] = [];
  const src = rec.source;
  if (src.kind === 'json') {
    const walk = (obj: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(obj)) {
        const key = prefix + k;
        if (!prefix && CONSUMED.has(k)) continue;
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) walk(v as Record<string, unknown>, `${key}.`);
        else out.push({ key, value: typeof v === 'string' ? v : JSON.stringify(v) });
      }
    };
    walk(src.object, '');
  } else if (src.kind === 'otlp') {
    const push = (prefix: string, attrs: Attribute[]) => {
      for (const a of attrs) out.push({ key: prefix + a.key, value: attrToString(a.value) });
    };
    push('', fromKeyValues(src.record.attributes));
    if (typeof src.record.severityText === 'string') out.push({ key: 'severityText', value: src.record.severityText });
    const scope = src.scope as { name?: unknown; version?: unknown } | undefined;
    if (scope?.name) out.push({ key: 'scope.name', value: String(scope.name) });
    push('resource.', fromKeyValues((src.resource as { attributes?: unknown } | undefined)?.attributes));
  } else if (src.stream) {
    out.push({ key: 'stream', value: src.stream });
  }
  return out;
}
