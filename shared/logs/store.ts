/**
 * A million log lines in columns: time, level, service, pattern, trace and span as typed arrays
 * (a few bytes a line), the message as a string, the rest of each line left in its file and read
 * back only for the line someone opens. Filters, the stacked histogram and the template table
 * are computed here, in one pass over the columns.
 */
import { Level, LEVEL_NAMES, type LevelCode, type LevelName } from './levels';
import { TemplateMiner, type TemplateModel } from './miner';
import type { LogRecord } from './record';

export interface LogFilter {
  /** Only these services (none: all). */
  services?: string[];
  /** Only these levels, by name (none: all). */
  levels?: LevelName[];
  /** Text the message contains (case-insensitive), or a regular expression with `regex`. */
  text?: string;
  regex?: boolean;
  /** ms since the epoch, inclusive start and exclusive end. */
  from?: number;
  to?: number;
  /** Template id (1-based). */
  template?: number;
  traceId?: string;
  spanId?: string;
}

export interface LogRow {
  /** Index of the line in the store (stable while it is open). */
  index: number;
  ts: number;
  level: string;
  service: string;
  msg: string;
  traceId: string;
  spanId: string;
  template: number;
}

export interface TemplateRow {
  id: number;
  text: string;
  /** Lines of this template among the filtered lines, and overall. */
  count: number;
  total: number;
  levels: Partial<Record<string, number>>;
  services: Partial<Record<string, number>>;
  firstTs: number | null;
  lastTs: number | null;
}

export interface Histogram {
  t0: number;
  t1: number;
  binMs: number;
  /** Level names, in the order of `counts`. */
  levels: string[];
  /** counts[level][bin] */
  counts: number[][];
}

/** A growable typed column. */
class Column<A extends Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array> {
  data: A;
  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }
  set(i: number, v: number) {
    if (i >= this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
  }
}

class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(v: string): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      this.ids.set(v, id);
    }
    return id;
  }
  find(v: string): number | undefined {
    return this.ids.get(v);
  }
}

export class LogStore {
  length = 0;
  readonly ts = new Column((n) => new Float64Array(n));
  readonly level = new Column((n) => new Uint8Array(n));
  readonly service = new Column((n) => new Uint16Array(n));
  readonly pattern = new Column((n) => new Uint32Array(n));
  readonly trace = new Column((n) => new Int32Array(n));
  /** A span id is 64 bits: kept as two 32-bit halves (no dictionary: nearly every line has its own). */
  readonly spanHi = new Column((n) => new Uint32Array(n));
  readonly spanLo = new Column((n) => new Uint32Array(n));
  readonly hasSpan = new Column((n) => new Uint8Array(n));
  readonly file = new Column((n) => new Uint16Array(n));
  readonly line = new Column((n) => new Uint32Array(n));
  /** Byte offset of the line in its file (-1: none), and the record's place among the line's records. */
  readonly offset = new Column((n) => new Float64Array(n));
  readonly sub = new Column((n) => new Uint16Array(n));
  readonly msg: string[] = [];
  readonly services = new Dictionary();
  readonly traces = new Dictionary();
  readonly miner = new TemplateMiner();
  private model?: TemplateModel;
  private modelPatterns = -1;
  /** Line indexes in time order (NaN times last), once sorted; file order before. */
  private order?: Uint32Array;
  private cache?: { key: string; rows: Uint32Array };
  /** Kept as lines arrive, so a status never scans the lines. */
  private readonly levelTally = new Array<number>(LEVEL_NAMES.length).fill(0);
  private minTs = Infinity;
  private maxTs = -Infinity;

  add(rec: LogRecord, file: number, line: number, offset = -1, sub = 0): void {
    const i = this.length++;
    this.ts.set(i, rec.ts);
    this.level.set(i, rec.level);
    this.service.set(i, this.services.id(rec.service));
    this.pattern.set(i, this.miner.add(rec.msg));
    this.trace.set(i, rec.traceId ? this.traces.id(rec.traceId) : -1);
    const span = rec.spanId.length === 16 ? rec.spanId : '';
    this.hasSpan.set(i, span ? 1 : 0);
    this.spanHi.set(i, span ? parseInt(span.slice(0, 8), 16) : 0);
    this.spanLo.set(i, span ? parseInt(span.slice(8), 16) : 0);
    this.levelTally[rec.level]!++;
    if (rec.ts < this.minTs) this.minTs = rec.ts;
    if (rec.ts > this.maxTs) this.maxTs = rec.ts;
    this.file.set(i, file);
    this.line.set(i, line);
    this.offset.set(i, offset);
    this.sub.set(i, Math.min(sub, 65535));
    this.msg.push(rec.msg);
    this.order = undefined;
    this.cache = undefined;
  }

  /** The templates of the patterns seen so far (mined again only when new patterns arrived). */
  templates(): TemplateModel {
    if (!this.model || this.modelPatterns !== this.miner.patternCount) {
      this.model = this.miner.mine();
      this.modelPatterns = this.miner.patternCount;
    }
    return this.model;
  }

  /** Sorts lines by time (stable; lines without a time last). Cheap when they already are in order. */
  sortByTime(): void {
    const n = this.length;
    const ts = this.ts.data;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (ts[i]! < ts[i - 1]! || (ts[i - 1]! !== ts[i - 1]! && ts[i] === ts[i])) sorted = false;
    if (!sorted) {
      const key = (i: number) => (ts[i] === ts[i] ? ts[i]! : Infinity);
      order.sort((a, b) => key(a) - key(b) || a - b);
    }
    this.order = order;
    this.cache = undefined;
  }

  /** Indexes of the lines that pass the filter, in display order. */
  select(filter: LogFilter): Uint32Array {
    const key = JSON.stringify(filter);
    if (this.cache?.key === key) return this.cache.rows;
    const rows = this.scan(filter);
    this.cache = { key, rows };
    return rows;
  }

  private predicate(filter: LogFilter): ((i: number) => boolean) | null {
    const checks: Array<(i: number) => boolean> = [];
    if (filter.services?.length) {
      const wanted = new Uint8Array(this.services.values.length);
      for (const s of filter.services) {
        const id = this.services.find(s);
        if (id !== undefined) wanted[id] = 1;
      }
      const col = this.service.data;
      checks.push((i) => wanted[col[i]!] === 1);
    }
    if (filter.levels?.length) {
      const wanted = new Uint8Array(LEVEL_NAMES.length);
      for (const l of filter.levels) {
        const code = LEVEL_NAMES.indexOf(l);
        if (code >= 0) wanted[code] = 1;
      }
      const col = this.level.data;
      checks.push((i) => wanted[col[i]!] === 1);
    }
    if (filter.from !== undefined || filter.to !== undefined) {
      const from = filter.from ?? -Infinity;
      const to = filter.to ?? Infinity;
      const col = this.ts.data;
      checks.push((i) => col[i]! >= from && col[i]! < to);
    }
    if (filter.template !== undefined) {
      const model = this.templates();
      const wanted = new Uint8Array(model.templateOfPattern.length);
      model.templateOfPattern.forEach((t, p) => (wanted[p] = t + 1 === filter.template ? 1 : 0));
      const col = this.pattern.data;
      checks.push((i) => wanted[col[i]!] === 1);
    }
    if (filter.traceId) {
      const id = this.traces.find(filter.traceId.toLowerCase()) ?? -2;
      const col = this.trace.data;
      checks.push((i) => col[i] === id);
    }
    if (filter.spanId) {
      const id = filter.spanId.toLowerCase().padStart(16, '0');
      const hi = parseInt(id.slice(0, 8), 16);
      const lo = parseInt(id.slice(8), 16);
      const has = this.hasSpan.data;
      const h = this.spanHi.data;
      const l = this.spanLo.data;
      checks.push((i) => has[i] === 1 && h[i] === hi && l[i] === lo);
    }
    if (filter.text) {
      const msg = this.msg;
      if (filter.regex) {
        const re = new RegExp(filter.text, 'i');
        checks.push((i) => re.test(msg[i]!));
      } else {
        const needle = filter.text.toLowerCase();
        // most messages are ASCII: a case-insensitive search without lower-casing every line
        const re = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        checks.push((i) => re.test(msg[i]!));
      }
    }
    if (checks.length === 0) return null;
    if (checks.length === 1) return checks[0]!;
    return (i) => {
      for (const c of checks) if (!c(i)) return false;
      return true;
    };
  }

  private scan(filter: LogFilter): Uint32Array {
    const n = this.length;
    const order = this.order;
    const pass = this.predicate(filter);
    if (!pass) {
      if (order && order.length === n) return order;
      const all = new Uint32Array(n);
      for (let i = 0; i < n; i++) all[i] = i;
      return all;
    }
    const out = new Uint32Array(n);
    let k = 0;
    for (let j = 0; j < n; j++) {
      const i = order && order.length === n ? order[j]! : j;
      if (pass(i)) out[k++] = i;
    }
    return out.slice(0, k);
  }

  row(i: number, maxMsg = 2000): LogRow {
    const model = this.templates();
    const m = this.msg[i]!;
    return {
      index: i,
      ts: this.ts.data[i]!,
      level: LEVEL_NAMES[this.level.data[i]!] ?? 'unknown',
      service: this.services.values[this.service.data[i]!]!,
      msg: m.length > maxMsg ? `${m.slice(0, maxMsg)}…` : m,
      traceId: this.trace.data[i]! >= 0 ? this.traces.values[this.trace.data[i]!]! : '',
      spanId: this.hasSpan.data[i] ? this.spanHi.data[i]!.toString(16).padStart(8, '0') + this.spanLo.data[i]!.toString(16).padStart(8, '0') : '',
      template: (model.templateOfPattern[this.pattern.data[i]!] ?? -1) + 1,
    };
  }

  /** Time span of all lines with a time. */
  timeRange(): { from: number; to: number } | null {
    return this.minTs <= this.maxTs ? { from: this.minTs, to: this.maxTs } : null;
  }

  /** Lines per time bin, one row per level present, over `rows` (or all lines). */
  histogram(rows: Uint32Array, bins: number, range?: { from: number; to: number }): Histogram {
    const r = range ?? this.timeRange() ?? { from: 0, to: 1 };
    const span = Math.max(1, r.to - r.from);
    const binMs = niceBin(span / bins);
    const t0 = Math.floor(r.from / binMs) * binMs;
    const nb = Math.max(1, Math.ceil((r.to + 1 - t0) / binMs));
    const counts = LEVEL_NAMES.map(() => new Array<number>(nb).fill(0));
    const ts = this.ts.data;
    const lv = this.level.data;
    for (const i of rows) {
      const t = ts[i]!;
      if (!(t >= t0)) continue;
      const b = Math.floor((t - t0) / binMs);
      if (b < nb) counts[lv[i]!]![b]!++;
    }
    const present = LEVEL_NAMES.map((_, k) => k).filter((k) => counts[k]!.some((c) => c > 0));
    return { t0, t1: t0 + nb * binMs, binMs, levels: present.map((k) => LEVEL_NAMES[k]!), counts: present.map((k) => counts[k]!) };
  }

  /** Templates of `rows` (or all lines) with their counts there and overall, most frequent first. */
  templateRows(rows: Uint32Array): TemplateRow[] {
    const model = this.templates();
    const nt = model.templates.length;
    const count = new Uint32Array(nt);
    const first = new Float64Array(nt).fill(Infinity);
    const last = new Float64Array(nt).fill(-Infinity);
    const levels = new Uint32Array(nt * LEVEL_NAMES.length);
    const services = new Map<number, Map<number, number>>();
    const pat = this.pattern.data;
    const ts = this.ts.data;
    const lv = this.level.data;
    const sv = this.service.data;
    for (const i of rows) {
      const t = model.templateOfPattern[pat[i]!]!;
      if (t < 0) continue;
      count[t]!++;
      const time = ts[i]!;
      if (time < first[t]!) first[t] = time;
      if (time > last[t]!) last[t] = time;
      levels[t * LEVEL_NAMES.length + lv[i]!]!++;
      let s = services.get(t);
      if (!s) services.set(t, (s = new Map()));
      s.set(sv[i]!, (s.get(sv[i]!) ?? 0) + 1);
    }
    const out: TemplateRow[] = [];
    for (let t = 0; t < nt; t++) {
      if (count[t] === 0) continue;
      const lvl: Partial<Record<string, number>> = {};
      for (let k = 0; k < LEVEL_NAMES.length; k++) if (levels[t * LEVEL_NAMES.length + k]) lvl[LEVEL_NAMES[k]!] = levels[t * LEVEL_NAMES.length + k]!;
      const svc: Partial<Record<string, number>> = {};
      for (const [s, c] of [...(services.get(t) ?? [])].sort((a, b) => b[1] - a[1])) svc[this.services.values[s]!] = c;
      out.push({
        id: t + 1,
        text: model.templates[t]!.text,
        count: count[t]!,
        total: model.templates[t]!.count,
        levels: lvl,
        services: svc,
        firstTs: Number.isFinite(first[t]!) ? first[t]! : null,
        lastTs: Number.isFinite(last[t]!) ? last[t]! : null,
      });
    }
    return out.sort((a, b) => b.count - a.count || a.id - b.id);
  }

  /** The first line at error level or above, and the bin with the most of them. */
  errorMoments(binMs = 60_000): { firstError: number | null; peak: { from: number; to: number; count: number } | null } {
    const ts = this.ts.data;
    const lv = this.level.data;
    let firstError = Infinity;
    const perBin = new Map<number, number>();
    for (let i = 0; i < this.length; i++) {
      if (lv[i]! < Level.error || !(ts[i]! === ts[i]!)) continue;
      if (ts[i]! < firstError) firstError = ts[i]!;
      const b = Math.floor(ts[i]! / binMs);
      perBin.set(b, (perBin.get(b) ?? 0) + 1);
    }
    let peak: { from: number; to: number; count: number } | null = null;
    for (const [b, c] of [...perBin].sort((x, y) => x[0] - y[0])) if (!peak || c > peak.count) peak = { from: b * binMs, to: (b + 1) * binMs, count: c };
    return { firstError: Number.isFinite(firstError) ? firstError : null, peak };
  }

  levelCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    LEVEL_NAMES.forEach((n, k) => this.levelTally[k] && (out[n] = this.levelTally[k]!));
    return out;
  }
}

/** A bin width people read easily: 1, 2, 5 x 10^k ms, or whole seconds, minutes, hours. */
export function niceBin(ms: number): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];
  for (const s of steps) if (s >= ms) return s;
  return Math.ceil(ms / 86_400_000) * 86_400_000;
}

export type { LevelCode };
