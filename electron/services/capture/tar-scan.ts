/**
 * The credential scan of an image or snapshot tar, member by member, as the bytes stream by:
 * each file inside (and inside a `docker save` archive's layer tars) is scanned like verify scans
 * a bundle file — text by name or by content (no NUL byte in its first chunk) — so a key in a
 * config file deep in a layer is found and named, while megabytes of binaries are skipped
 * instead of pushed through every pattern. (Known secret VALUES are looked for in every byte of
 * the stream by the sink; this is the pattern scan.)
 */
import { once } from 'node:events';
import { Parser, type ReadEntry } from 'tar';
import { SecretScanner, TEXT_EXTENSIONS, type PatternHit } from '../bundles/secret-scan';

export interface MemberHit extends PatternHit {
  /** Member path, outer first: `["<id>/layer.tar", "etc/app.env"]`. */
  member: string[];
}

/** Nested tars followed this deep (docker-save archive -> layer tar). */
const MAX_DEPTH = 2;
/** A tar header has "ustar" at offset 257. */
const looksLikeTar = (chunk: Buffer) => chunk.length >= 262 && chunk.toString('latin1', 257, 262) === 'ustar';

export class TarPatternScanner {
  private readonly hits: MemberHit[] = [];
  private readonly parser: Parser;
  private failed = false;
  /** Nested parsers still finishing. */
  private readonly pending: Promise<void>[] = [];
  /** After the stream turned out not to be a tar: the whole rest scanned as one file. */
  private fallback?: SecretScanner;

  constructor() {
    this.parser = this.makeParser([], 0);
    this.parser.on('error', () => this.fail());
  }

  private makeParser(path: string[], depth: number): Parser {
    return new Parser({
      strict: false,
      onReadEntry: (entry: ReadEntry) => this.onEntry(entry, path, depth),
    });
  }

  private onEntry(entry: ReadEntry, path: string[], depth: number): void {
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      entry.resume();
      return;
    }
    const name = String(entry.path);
    const member = [...path, name];
    let inner: Parser | undefined;
    let scanner: SecretScanner | undefined;
    let first = true;
    entry.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        if (depth < MAX_DEPTH && looksLikeTar(chunk)) {
          inner = this.makeParser(member, depth + 1);
          inner.on('error', () => {
            inner = undefined; // not a tar after all: nothing more to read in it
          });
        } else {
          scanner = new SecretScanner({ textByName: TEXT_EXTENSIONS.test(name) });
        }
      }
      if (inner) inner.write(chunk);
      else scanner?.push(chunk);
    });
    entry.on('end', () => {
      if (inner) {
        const done = once(inner, 'end').then(() => undefined, () => undefined);
        inner.end();
        this.pending.push(done);
      }
      for (const h of scanner?.finish() ?? []) this.hits.push({ ...h, member });
    });
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.fallback = new SecretScanner({ textByName: false, allBytes: true });
  }

  private head: Buffer[] = [];
  private headBytes = 0;
  private started = false;

  push(chunk: Buffer): void {
    if (!this.started) {
      // Decide from the first header block whether this is a tar at all.
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < 512) return;
      this.startWith(Buffer.concat(this.head));
      return;
    }
    if (this.fallback) this.fallback.push(chunk);
    else this.parser.write(chunk);
  }

  private startWith(first: Buffer): void {
    this.started = true;
    this.head = [];
    if (!looksLikeTar(first)) this.fail();
    if (this.fallback) this.fallback.push(first);
    else this.parser.write(first);
  }

  async finish(): Promise<MemberHit[]> {
    if (!this.started && this.headBytes > 0) this.startWith(Buffer.concat(this.head));
    if (!this.failed) {
      const ended = once(this.parser, 'end').then(() => undefined, () => undefined);
      this.parser.end();
      await ended;
    }
    await Promise.all(this.pending);
    return [...this.hits, ...(this.fallback?.finish() ?? []).map((h) => ({ ...h, member: [] }))];
  }
}
