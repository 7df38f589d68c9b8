/**
 * Undo `content-encoding` (gzip, deflate, br; a list is undone right to left). Replayed bodies
 * arrive as wire bytes; recorded ones are wire bytes when the HAR held them as binary (Polly) and
 * already decoded when it held text (browsers), so the caller says which.
 */
import * as zlib from 'node:zlib';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

// zstd arrived in Node 22.15; older typings do not know it.
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync;

function undoOne(bytes: Uint8Array, coding: string): Uint8Array {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes);
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send raw deflate anyway.
      try {
        return inflateSync(bytes);
      } catch {
        return inflateRawSync(bytes);
      }
    case 'br':
      return brotliDecompressSync(bytes);
    case 'zstd':
      if (typeof zstdDecompressSync !== 'function') throw new Error('zstd is not supported by this Node');
      return zstdDecompressSync(bytes);
    case 'identity':
    case '':
      return bytes;
    default:
      throw new Error(`unsupported content-encoding "${coding}"`);
  }
}

export function undoContentEncoding(bytes: Uint8Array, header: string | undefined): Uint8Array {
  if (!header || bytes.length === 0) return bytes;
  const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean).reverse();
  let out = bytes;
  for (const c of codings) out = new Uint8Array(undoOne(out, c));
  return out;
}

/** For recorded bodies: decode when it works, else keep the bytes (they were stored decoded). */
export function tryUndoContentEncoding(bytes: Uint8Array, header: string | undefined): Uint8Array {
  try {
    return undoContentEncoding(bytes, header);
  } catch {
    return bytes;
  }
}
