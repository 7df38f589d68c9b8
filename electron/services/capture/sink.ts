/**
 * Writing a tar the engine streams (an image save, a volume archive) to a file in one pass:
 * SHA-256 for the manifest, the credential scan (patterns and the values capture took for
 * secrets) and byte progress are done on the bytes on their way to disk, so nothing is read twice.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SecretScanner, type KnownSecretValue, type ValueHit } from '../bundles/secret-scan';
import { TarPatternScanner, type MemberHit } from './tar-scan';

export interface SinkResult {
  sha256: string;
  size: number;
  /** Credential patterns found, with the tar member they are in. */
  patterns: MemberHit[];
  values: ValueHit[];
}

export interface SinkOptions {
  signal?: AbortSignal;
  /** Bytes written so far (called at most every 100 ms, and once at the end). */
  onBytes?: (done: number) => void;
  values?: readonly KnownSecretValue[];
}

/**
 * Buffered between the engine's socket and the disk: the socket keeps flowing while a write is
 * in flight and queued chunks go down in one writev. With the default 16 KiB every 64 KiB read
 * waited for its own write, which on a busy machine made the copy far slower than `docker save`.
 */
const BUFFER_BYTES = 8 * 1024 * 1024;

export async function streamToFile(source: Readable | NodeJS.ReadableStream, file: string, opts: SinkOptions = {}): Promise<SinkResult> {
  const hash = createHash('sha256');
  // Known values: every byte. Patterns: member by member (the stream is a tar).
  const scanner = new SecretScanner({ textByName: false, patterns: false, ...(opts.values ? { values: opts.values } : {}) });
  const tarScan = new TarPatternScanner();
  let size = 0;
  let last = 0;
  // Each chunk as it comes: both scanners carry what spans two chunks themselves (a few bytes),
  // so batching chunks first would only copy every byte once more.
  const tap = new Transform({
    highWaterMark: BUFFER_BYTES,
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      scanner.push(chunk);
      tarScan.push(chunk);
      size += chunk.length;
      const now = Date.now();
      if (opts.onBytes && now - last >= 100) {
        last = now;
        opts.onBytes(size);
      }
      cb(null, chunk);
    },
  });
  await pipeline(source as Readable, tap, createWriteStream(file, { mode: 0o644, highWaterMark: BUFFER_BYTES }), ...(opts.signal ? [{ signal: opts.signal }] : []));
  opts.onBytes?.(size);
  return { sha256: hash.digest('hex'), size, patterns: await tarScan.finish(), values: scanner.values() };
}
