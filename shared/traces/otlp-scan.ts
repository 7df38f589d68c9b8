/**
 * OTLP/JSON straight from bytes: one pass over the file that takes the fields the columnar model
 * needs (IDs, names, kinds, times, status codes, service names) and skips the rest, without ever
 * building the object tree JSON.parse would. A 500k-span file is read in less time than
 * JSON.parse takes and in a fraction of its memory; each span's own JSON text stays in the bytes
 * and is parsed only when its details are asked for (rawSpan).
 *
 * Everything it skips is still checked to be JSON. It takes only the shapes exporters write, and
 * gives up (leaving the builder as it was) on anything it would not import exactly as the
 * JSON.parse importer in import-otlp.ts does: keys with escapes, duplicate structural keys, a
 * resource after its scopes, spans that are not objects, JSON Lines, a syntax error. The caller
 * then takes the general path, which says what is wrong or handles the rarity. So what the
 * scanner accepts gives the same TraceSet, warnings included.
 */
import type { TraceSetBuilder } from './builder';
import { otlpIsError, otlpKind } from './import-otlp';
import { SpanFlag } from './model';
import { normalizeId, otlpStringAttr, parseUnixNano } from './values';

export interface ScanOptions {
  /** Called every few MiB with the bytes scanned so far. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/** Thrown inside the scanner when the general path must take over; never escapes scanOtlp. */
const GIVE_UP = new Error('not canonical OTLP/JSON');

// Character classes for the string loop: 0 plain ASCII, 1 quote, 2 backslash, 3 control, 4 non-ASCII.
const CLASS = new Uint8Array(256);
for (let c = 0; c < 32; c++) CLASS[c] = 3;
CLASS[0x22] = 1;
CLASS[0x5c] = 2;
for (let c = 128; c < 256; c++) CLASS[c] = 4;

const HEX_LOWER = new Uint8Array(256);
for (const c of '0123456789abcdef') HEX_LOWER[c.charCodeAt(0)] = 1;
const HEX_ANY = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_ANY[c.charCodeAt(0)] = 1;

const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K = {
  resourceSpans: bytesOf('resourceSpans'),
  result: bytesOf('result'),
  resource: bytesOf('resource'),
  scopeSpans: bytesOf('scopeSpans'),
  instrumentationLibrarySpans: bytesOf('instrumentationLibrarySpans'),
  scope: bytesOf('scope'),
  instrumentationLibrary: bytesOf('instrumentationLibrary'),
  spans: bytesOf('spans'),
  traceId: bytesOf('traceId'),
  spanId: bytesOf('spanId'),
  parentSpanId: bytesOf('parentSpanId'),
  name: bytesOf('name'),
  kind: bytesOf('kind'),
  startTimeUnixNano: bytesOf('startTimeUnixNano'),
  endTimeUnixNano: bytesOf('endTimeUnixNano'),
  status: bytesOf('status'),
  code: bytesOf('code'),
};

const utf8 = new TextDecoder();
const MAX_DEPTH = 512;
const PROGRESS_EVERY = 8 << 20;
const NAME_SLOTS = 4096;
const NAME_SLOTS_MASK = NAME_SLOTS - 1;

/**
 * Imports one OTLP/JSON document from `bytes` into `b`. Returns false, with `b` untouched, when
 * the bytes are not canonical OTLP/JSON (another format, or a shape only the general path
 * handles); then decode the text and use importTraceDocuments.
 */
export function scanOtlp(bytes: Uint8Array, b: TraceSetBuilder, opts: ScanOptions = {}): boolean {
  const cp = b.checkpoint();
  try {
    if (new Scanner(bytes, b, opts).document()) return true;
    b.rollback(cp);
    return false;
  } catch (err) {
    b.rollback(cp);
    if (err === GIVE_UP) return false;
    throw err;
  }
}

class Scanner {
  private p = 0;
  private readonly n: number;
  // The last string scanned: its content is buf[sStart, sEnd); sEsc: it has escapes; sHigh: non-ASCII bytes.
  private sStart = 0;
  private sEnd = 0;
  private sEsc = false;
  private sHigh = false;
  private source = -1;
  private nextProgress = PROGRESS_EVERY;
  // The last trace ID's bytes and string: every span of a trace repeats it.
  private lastTraceStart = -1;
  private lastTraceLen = 0;
  private lastTraceId = '';
  // Names seen: where in buf, how long, and their index in the builder (see nameValue).
  private readonly nameAt = new Float64Array(NAME_SLOTS).fill(-1);
  private readonly nameLen = new Int32Array(NAME_SLOTS);
  private readonly nameIndex = new Int32Array(NAME_SLOTS);
  // Values of the span being scanned.
  private tUs = 0;
  private tNs = 0;
  private tOk = false;

  constructor(
    private readonly buf: Uint8Array,
    private readonly b: TraceSetBuilder,
    private readonly opts: ScanOptions,
  ) {
    this.n = buf.length;
    if (this.n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) this.p = 3; // BOM
  }

  document(): boolean {
    const buf = this.buf;
    this.ws();
    if (this.p >= this.n || buf[this.p] !== 0x7b) return false; // not an object: not OTLP
    let found = false;
    if (!this.enterEmpty(0x7d)) {
      for (;;) {
        this.key();
        if (this.keyIs(K.resourceSpans)) {
          if (found) throw GIVE_UP;
          found = true;
          if (buf[this.p] !== 0x5b) throw GIVE_UP;
          this.resourceSpans();
        } else if (this.keyIs(K.result) && buf[this.p] === 0x7b) {
          throw GIVE_UP; // Jaeger API v3's {"result": ...} wrapper: the general path unwraps it
        } else {
          this.skipValue(0);
        }
        if (this.endOf(0x7d)) break;
      }
    }
    this.ws();
    if (this.p < this.n) throw GIVE_UP; // more documents (JSON Lines) or trailing text
    return found;
  }

  private resourceSpans(): void {
    const buf = this.buf;
    if (this.enterEmpty(0x5d)) return;
    for (;;) {
      if (buf[this.p] !== 0x7b) throw GIVE_UP; // not an object: the general path warns and skips it
      this.resourceSpan();
      if (this.endOf(0x5d)) return;
    }
  }

  private resourceSpan(): void {
    const buf = this.buf;
    if (this.enterEmpty(0x7d)) return;
    let resource: unknown;
    let seenResource = false;
    let seenScopes = false;
    for (;;) {
      this.key();
      if (this.keyIs(K.resource)) {
        if (seenResource || seenScopes) throw GIVE_UP;
        seenResource = true;
        resource = this.parseValue();
      } else if (this.keyIs(K.scopeSpans) || this.keyIs(K.instrumentationLibrarySpans)) {
        if (seenScopes || buf[this.p] !== 0x5b) throw GIVE_UP;
        seenScopes = true;
        this.scopes(resource);
      } else {
        this.skipValue(0);
      }
      if (this.endOf(0x7d)) return;
    }
  }

  private scopes(resource: unknown): void {
    const buf = this.buf;
    if (this.enterEmpty(0x5d)) return;
    // Interned at the first span, as the general path does (a resource without spans adds no service).
    const service = { name: otlpStringAttr((resource as { attributes?: unknown } | undefined)?.attributes, 'service.name') ?? '', index: -1 };
    for (;;) {
      if (buf[this.p] !== 0x7b) throw GIVE_UP;
      this.scopeSpans(resource, service);
      if (this.endOf(0x5d)) return;
    }
  }

  private scopeSpans(resource: unknown, service: { name: string; index: number }): void {
    const buf = this.buf;
    const ctx: { format: 'otlp'; resource: unknown; scope: unknown } = { format: 'otlp', resource, scope: undefined };
    const ci = this.b.addContext(ctx);
    if (this.enterEmpty(0x7d)) return;
    let scope: unknown;
    let library: unknown;
    let seenScope = false;
    let seenLibrary = false;
    let seenSpans = false;
    for (;;) {
      this.key();
      if (this.keyIs(K.scope)) {
        if (seenScope) throw GIVE_UP;
        seenScope = true;
        scope = this.parseValue();
      } else if (this.keyIs(K.instrumentationLibrary)) {
        if (seenLibrary) throw GIVE_UP;
        seenLibrary = true;
        library = this.parseValue();
      } else if (this.keyIs(K.spans)) {
        if (seenSpans || buf[this.p] !== 0x5b) throw GIVE_UP;
        seenSpans = true;
        this.spans(ci, service);
      } else {
        this.skipValue(0);
      }
      if (this.endOf(0x7d)) break;
    }
    ctx.scope = scope ?? library;
  }

  private spans(ci: number, service: { name: string; index: number }): void {
    const buf = this.buf;
    if (this.enterEmpty(0x5d)) return;
    if (this.source < 0) this.source = this.b.addSource(this.buf);
    for (;;) {
      if (buf[this.p] !== 0x7b) throw GIVE_UP;
      this.b.inputSpanObjects++;
      this.span(ci, service);
      if (this.p >= this.nextProgress) {
        this.nextProgress = this.p + PROGRESS_EVERY;
        this.opts.onProgress?.(this.p, this.n);
      }
      if (this.endOf(0x5d)) return;
    }
  }

  private span(ci: number, service: { name: string; index: number }): void {
    const buf = this.buf;
    const start = this.p;
    let traceId = '';
    let spanId = '';
    let parentId = '';
    let name = -1;
    let kind: unknown;
    let code: unknown;
    let startOk = false;
    let startUs = 0;
    let startNs = 0;
    let endOk = false;
    let endUs = 0;
    let endNs = 0;
    if (!this.enterEmpty(0x7d)) {
      for (;;) {
        this.key();
        const len = this.sEnd - this.sStart;
        const c0 = buf[this.sStart];
        // Dispatch on length and first letter before comparing whole keys.
        if (len === 7 && c0 === 0x74 && this.keyIs(K.traceId)) {
          traceId = this.traceIdValue();
        } else if (len === 6 && c0 === 0x73 && this.keyIs(K.spanId)) {
          spanId = this.idValue(false);
        } else if (len === 12 && c0 === 0x70 && this.keyIs(K.parentSpanId)) {
          parentId = this.idValue(true);
        } else if (len === 4 && c0 === 0x6e && this.keyIs(K.name)) {
          name = this.nameValue();
        } else if (len === 4 && c0 === 0x6b && this.keyIs(K.kind)) {
          kind = this.scalarValue();
        } else if (len === 17 && c0 === 0x73 && this.keyIs(K.startTimeUnixNano)) {
          this.timeValue();
          startOk = this.tOk;
          startUs = this.tUs;
          startNs = this.tNs;
        } else if (len === 15 && c0 === 0x65 && this.keyIs(K.endTimeUnixNano)) {
          this.timeValue();
          endOk = this.tOk;
          endUs = this.tUs;
          endNs = this.tNs;
        } else if (len === 6 && c0 === 0x73 && this.keyIs(K.status)) {
          code = this.statusCode();
        } else {
          this.skipValue(0);
        }
        if (this.endOf(0x7d)) break;
      }
    }
    // Skipped with a warning by the general path (which also leaves its name out of the names).
    if (!traceId || !spanId) throw GIVE_UP;
    if (service.index < 0) service.index = this.b.internService(service.name);
    this.b.addScanned(
      traceId,
      spanId,
      parentId,
      service.index,
      name < 0 ? this.b.internName('') : name,
      otlpKind(kind),
      startOk ? startUs : NaN,
      startOk ? startNs : 0,
      startOk && endOk ? endUs - startUs + (endNs - startNs) / 1000 : NaN,
      otlpIsError(code) ? SpanFlag.Error : 0,
      ci,
      this.source,
      start,
      this.p,
    );
  }

  /**
   * A span's name as an index into the builder's names. Names repeat, so a small table keyed by
   * a hash of the bytes remembers where each was seen and its index: no string is made again.
   */
  private nameValue(): number {
    const buf = this.buf;
    if (buf[this.p] !== 0x22) {
      const v = this.parseValue();
      return this.b.internName(typeof v === 'string' ? v : '');
    }
    this.str();
    const s = this.sStart;
    const e = this.sEnd;
    if (this.sEsc) return this.b.internName(this.decodeString());
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slot = (h >>> 0) & NAME_SLOTS_MASK;
    const at = this.nameAt[slot]!;
    const len = e - s;
    if (at >= 0 && this.nameLen[slot] === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (buf[at + i] !== buf[s + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.nameIndex[slot]!;
    }
    const index = this.b.internName(this.decodeString());
    this.nameAt[slot] = s;
    this.nameLen[slot] = len;
    this.nameIndex[slot] = index;
    return index;
  }

  /** A span's traceId: usually the same bytes as the previous span's, so its string is reused. */
  private traceIdValue(): string {
    const buf = this.buf;
    if (buf[this.p] === 0x22) {
      const at = this.p + 1;
      const len = this.lastTraceLen;
      if (this.lastTraceStart >= 0 && buf[at + len] === 0x22) {
        let same = true;
        const prev = this.lastTraceStart;
        for (let i = 0; i < len; i++) {
          if (buf[at + i] !== buf[prev + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.p = at + len + 1;
          return this.lastTraceId;
        }
      }
      const id = this.idValue(false);
      if (!this.sEsc) {
        this.lastTraceStart = this.sStart;
        this.lastTraceLen = this.sEnd - this.sStart;
        this.lastTraceId = id;
      }
      return id;
    }
    return this.idValue(false);
  }

  /**
   * An ID as normalizeId gives it. Canonical lower-case hex of 16 or 32 digits is taken as is;
   * anything else goes through normalizeId with the value JSON.parse would give.
   * `parent`: '' for a falsy value (the importer's `sp.parentSpanId ? ... : ''`).
   */
  private idValue(parent: boolean): string {
    const buf = this.buf;
    if (buf[this.p] !== 0x22) {
      const v = this.parseValue();
      return parent && !v ? '' : normalizeId(v);
    }
    this.str();
    const s = this.sStart;
    const len = this.sEnd - s;
    if (!this.sEsc && (len === 16 || len === 32)) {
      let hex = true;
      for (let i = s; i < this.sEnd; i++) {
        if (!HEX_LOWER[buf[i]!]) {
          hex = false;
          break;
        }
      }
      if (hex) return ascii(buf, s, this.sEnd);
    }
    if (parent && len === 0) return '';
    return normalizeId(this.decodeString());
  }

  /** A time in nanoseconds: the decimal string OTLP writes, split exactly; else parseUnixNano. */
  private timeValue(): void {
    const buf = this.buf;
    if (buf[this.p] === 0x22) {
      this.str();
      const s = this.sStart;
      const e = this.sEnd;
      // Up to 19 digits: the microseconds (all but the last 3) fit a double exactly below 2^53.
      if (!this.sEsc && e - s > 3 && e - s <= 19) {
        let us = 0;
        let ok = true;
        for (let i = s; i < e - 3; i++) {
          const d = buf[i]! - 0x30;
          if (d < 0 || d > 9) {
            ok = false;
            break;
          }
          us = us * 10 + d;
        }
        let ns = 0;
        for (let i = e - 3; ok && i < e; i++) {
          const d = buf[i]! - 0x30;
          if (d < 0 || d > 9) ok = false;
          ns = ns * 10 + d;
        }
        if (ok && us <= Number.MAX_SAFE_INTEGER) {
          this.tUs = us;
          this.tNs = ns;
          this.tOk = true;
          return;
        }
      }
      this.setTime(parseUnixNano(this.decodeString()));
      return;
    }
    this.setTime(parseUnixNano(this.parseValue()));
  }

  private setTime(t: { us: number; ns: number } | undefined): void {
    this.tOk = t !== undefined;
    this.tUs = t ? t.us : 0;
    this.tNs = t ? t.ns : 0;
  }

  /** status.code, or undefined when status is not an object (the importer's `status?.code`). */
  private statusCode(): unknown {
    const buf = this.buf;
    if (buf[this.p] !== 0x7b) {
      this.skipValue(0);
      return undefined;
    }
    let code: unknown;
    if (this.enterEmpty(0x7d)) return undefined;
    for (;;) {
      this.key();
      if (this.keyIs(K.code)) code = this.scalarValue();
      else this.skipValue(0);
      if (this.endOf(0x7d)) return code;
    }
  }

  /** A value as JSON.parse gives it, taking the quick way for small integers and plain strings. */
  private scalarValue(): unknown {
    const buf = this.buf;
    const c = buf[this.p]!;
    if (c >= 0x30 && c <= 0x39) {
      const s = this.p;
      let v = 0;
      let i = s;
      while (i < this.n && i - s < 9 && buf[i]! >= 0x30 && buf[i]! <= 0x39) v = v * 10 + (buf[i++]! - 0x30);
      const next = buf[i];
      // a plain small integer (no leading zero, fraction or exponent): done
      if (!(c === 0x30 && i - s > 1) && next !== 0x2e && next !== 0x65 && next !== 0x45 && !(next! >= 0x30 && next! <= 0x39)) {
        this.p = i;
        return v;
      }
    }
    if (c === 0x22) return this.stringValue();
    return this.parseValue();
  }

  private stringValue(): string {
    this.str();
    return this.decodeString();
  }

  /** The last string scanned, decoded as JSON.parse would. */
  private decodeString(): string {
    if (this.sEsc) return JSON.parse(utf8.decode(this.buf.subarray(this.sStart - 1, this.sEnd + 1))) as string;
    if (!this.sHigh) return ascii(this.buf, this.sStart, this.sEnd);
    return utf8.decode(this.buf.subarray(this.sStart, this.sEnd));
  }

  /** Any value, parsed with JSON.parse (for the small parts kept whole: resource, scope). */
  private parseValue(): unknown {
    const s = this.p;
    this.skipValue(0);
    return JSON.parse(utf8.decode(this.buf.subarray(s, this.p)));
  }

  // ---- JSON syntax -------------------------------------------------------------------------

  /** At an opening bracket: step inside. True (and past the closing `close`) when it is empty. */
  private enterEmpty(close: number): boolean {
    this.p++;
    this.ws();
    if (this.buf[this.p] !== close) return false;
    this.p++;
    return true;
  }

  private ws(): void {
    const buf = this.buf;
    let p = this.p;
    while (p < this.n) {
      const c = buf[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.p = p;
  }

  /** An object key and its colon; leaves p at the value. Keys with escapes go the general way. */
  private key(): void {
    this.ws();
    if (this.buf[this.p] !== 0x22) throw GIVE_UP;
    this.str();
    if (this.sEsc) throw GIVE_UP;
    this.ws();
    if (this.buf[this.p] !== 0x3a) throw GIVE_UP;
    this.p++;
    this.ws();
  }

  private keyIs(k: Uint8Array): boolean {
    const len = k.length;
    if (this.sEnd - this.sStart !== len) return false;
    const buf = this.buf;
    const s = this.sStart;
    for (let i = 0; i < len; i++) if (buf[s + i] !== k[i]) return false;
    return true;
  }

  /** After a member: true at the closing bracket `close` (consumed), false after a comma. */
  private endOf(close: number): boolean {
    this.ws();
    const c = this.buf[this.p];
    this.p++;
    if (c === 0x2c) {
      this.ws();
      return false;
    }
    if (c === close) return true;
    throw GIVE_UP;
  }

  /** A string starting at p (the quote); sets sStart/sEnd/sEsc/sHigh; leaves p after it. */
  private str(): void {
    const buf = this.buf;
    const n = this.n;
    let p = this.p + 1;
    this.sStart = p;
    let esc = false;
    let high = false;
    for (;;) {
      if (p >= n) throw GIVE_UP;
      const k = CLASS[buf[p]!];
      if (k === 0) {
        p++;
      } else if (k === 1) {
        break;
      } else if (k === 4) {
        high = true;
        p++;
      } else if (k === 2) {
        esc = true;
        const e = buf[p + 1];
        if (e === 0x75) {
          if (!(HEX_ANY[buf[p + 2]!] && HEX_ANY[buf[p + 3]!] && HEX_ANY[buf[p + 4]!] && HEX_ANY[buf[p + 5]!])) throw GIVE_UP;
          p += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          p += 2;
        } else {
          throw GIVE_UP;
        }
      } else {
        throw GIVE_UP; // a raw control character
      }
    }
    this.sEnd = p;
    this.sEsc = esc;
    this.sHigh = high;
    this.p = p + 1;
  }

  private skipValue(depth: number): void {
    const buf = this.buf;
    const c = buf[this.p];
    if (c === 0x22) {
      this.str();
    } else if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) throw GIVE_UP;
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (this.enterEmpty(close)) return;
      for (;;) {
        if (close === 0x7d) this.key();
        this.skipValue(depth + 1);
        if (this.endOf(close)) return;
      }
    } else if (c === 0x74) {
      this.literal(0x74, 0x72, 0x75, 0x65, 4); // true
    } else if (c === 0x66) {
      if (!(buf[this.p + 1] === 0x61 && buf[this.p + 2] === 0x6c && buf[this.p + 3] === 0x73 && buf[this.p + 4] === 0x65)) throw GIVE_UP; // false
      this.p += 5;
    } else if (c === 0x6e) {
      this.literal(0x6e, 0x75, 0x6c, 0x6c, 4); // null
    } else {
      this.number();
    }
  }

  private literal(a: number, b: number, c: number, d: number, len: number): void {
    const buf = this.buf;
    const p = this.p;
    if (buf[p] !== a || buf[p + 1] !== b || buf[p + 2] !== c || buf[p + 3] !== d) throw GIVE_UP;
    this.p = p + len;
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): void {
    const buf = this.buf;
    let p = this.p;
    const digit = (i: number) => buf[i]! >= 0x30 && buf[i]! <= 0x39 && i < this.n;
    if (buf[p] === 0x2d) p++;
    if (buf[p] === 0x30) p++;
    else if (digit(p)) while (digit(p)) p++;
    else throw GIVE_UP;
    if (buf[p] === 0x2e) {
      p++;
      if (!digit(p)) throw GIVE_UP;
      while (digit(p)) p++;
    }
    if (buf[p] === 0x65 || buf[p] === 0x45) {
      p++;
      if (buf[p] === 0x2b || buf[p] === 0x2d) p++;
      if (!digit(p)) throw GIVE_UP;
      while (digit(p)) p++;
    }
    this.p = p;
  }
}

/** Bytes known to be ASCII as a string (short strings: IDs, names). */
function ascii(buf: Uint8Array, s: number, e: number): string {
  if (e - s === 16) {
    // A span ID: sixteen arguments are several times quicker than apply() on a subarray.
    return String.fromCharCode(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!, buf[s + 5]!, buf[s + 6]!, buf[s + 7]!, buf[s + 8]!, buf[s + 9]!, buf[s + 10]!, buf[s + 11]!, buf[s + 12]!, buf[s + 13]!, buf[s + 14]!, buf[s + 15]!);
  }
  return e - s <= 64 ? String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]) : utf8.decode(buf.subarray(s, e));
}
