/**
 * The credential scan of `repro verify`, chunk by chunk (a match split across two chunks is
 * found: the scanner keeps an overlap). Two kinds of hits:
 *  - patterns (private key blocks, cloud keys, tokens: shared/bundle/secrets.ts), reported as
 *    warnings by verify; text files only, unless `allBytes` (capture scans image and snapshot
 *    tars too, where a key can hide in a layer);
 *  - known values (capture knows the values it took for secrets): exact byte matches, with the
 *    offset, so the file and the place can be named. Values shorter than VALUE_MIN_ANY_FILE are
 *    looked for in text files only, where a hit means something.
 */
import { scanTextForSecrets, SECRET_SCAN_OVERLAP } from '../../../shared/bundle/secrets';

export interface KnownSecretValue {
  /** Says whose value it is, never the value: e.g. `API_TOKEN of service web`. */
  label: string;
  value: string;
}

export interface PatternHit {
  kind: string;
  /** 1-based line, for text. */
  line?: number;
  /** Byte offset of the chunk the match was found in (binary files). */
  offset?: number;
}

export interface ValueHit {
  label: string;
  /** Byte offset of the first occurrence in the file. */
  offset: number;
}

/** Files worth scanning for credentials: text by name, or by content (no NUL in the first chunk). */
export const TEXT_EXTENSIONS = /\.(json|jsonl|ndjson|har|md|txt|ya?ml|env|pem|key|log|csv|xml|html?|conf|ini|properties|toml|sh)$/i;

/** Below this many bytes a value is only looked for in text files (binary noise would match it). */
export const VALUE_MIN_ANY_FILE = 8;

export interface SecretScannerOptions {
  /** Known to be text (by name); otherwise decided from the first chunk (no NUL byte = text). */
  textByName: boolean;
  /** Scan binary content for patterns too (latin1), not only text. */
  allBytes?: boolean;
  /** Look for patterns at all (default true); false: known values only. */
  patterns?: boolean;
  values?: readonly KnownSecretValue[];
}

export class SecretScanner {
  private carry = '';
  private linesBefore = 0;
  private decided: boolean;
  private isText: boolean;
  private offset = 0;
  private readonly found = new Map<string, PatternHit>();
  private readonly needles: { label: string; bytes: Buffer }[];
  private readonly valueHits = new Map<string, ValueHit>();
  private tail = Buffer.alloc(0);
  private maxNeedle = 0;

  constructor(private readonly opts: SecretScannerOptions) {
    this.isText = opts.textByName;
    this.decided = opts.textByName;
    this.needles = (opts.values ?? []).filter((v) => v.value.length > 0).map((v) => ({ label: v.label, bytes: Buffer.from(v.value, 'utf8') }));
  }

  push(chunk: Buffer): void {
    if (!this.decided) {
      this.decided = true;
      this.isText = !chunk.subarray(0, 8192).includes(0);
      // short values only mean something in text; now that we know, drop them for binary
      if (!this.isText) this.needles.splice(0, this.needles.length, ...this.needles.filter((n) => n.bytes.length >= VALUE_MIN_ANY_FILE));
    }
    this.maxNeedle = this.needles.reduce((m, n) => Math.max(m, n.bytes.length), 0);
    if (this.needles.length > 0) this.searchValues(chunk);
    if (this.opts.patterns !== false && (this.isText || this.opts.allBytes)) this.searchPatterns(chunk);
    this.offset += chunk.length;
  }

  private searchValues(chunk: Buffer): void {
    // Across the seam first (the end of the last chunk + the start of this one), then inside.
    if (this.tail.length > 0) {
      const seam = Buffer.concat([this.tail, chunk.subarray(0, this.maxNeedle - 1)]);
      for (const n of this.needles) {
        if (this.valueHits.has(n.label)) continue;
        const i = seam.indexOf(n.bytes);
        if (i !== -1) this.valueHits.set(n.label, { label: n.label, offset: this.offset - this.tail.length + i });
      }
    }
    for (const n of this.needles) {
      if (this.valueHits.has(n.label)) continue;
      const i = chunk.indexOf(n.bytes);
      if (i !== -1) this.valueHits.set(n.label, { label: n.label, offset: this.offset + i });
    }
    const keep = Math.min(this.maxNeedle - 1, chunk.length);
    this.tail = keep > 0 ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.alloc(0);
  }

  private searchPatterns(chunk: Buffer): void {
    const window = this.carry + chunk.toString('latin1');
    for (const f of scanTextForSecrets(window)) {
      if (this.found.has(f.kind)) continue;
      this.found.set(f.kind, this.isText ? { kind: f.kind, ...(f.line !== undefined ? { line: this.linesBefore + f.line } : {}) } : { kind: f.kind, offset: Math.max(0, this.offset - this.carry.length) });
    }
    const keep = Math.min(SECRET_SCAN_OVERLAP, window.length);
    if (this.isText) {
      const consumed = window.slice(0, window.length - keep);
      for (let i = consumed.indexOf('\n'); i !== -1; i = consumed.indexOf('\n', i + 1)) this.linesBefore++;
    }
    this.carry = window.slice(window.length - keep);
  }

  /** Pattern hits, one per kind (the first seen). */
  finish(): PatternHit[] {
    return [...this.found.values()];
  }

  /** Known values found, one per value (the first occurrence). */
  values(): ValueHit[] {
    return [...this.valueHits.values()];
  }
}
