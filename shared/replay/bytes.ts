/**
 * Byte helpers for bodies. shared/ may not use Buffer, so bodies are Uint8Array everywhere and
 * these do the conversions with web-standard APIs only (TextEncoder/Decoder, atob).
 */
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** The text when the bytes are valid UTF-8, else undefined (binary). */
export function tryStrictUtf8(bytes: Uint8Array): string | undefined {
  // The lenient decoder is several times faster; it can only differ from the strict one where it
  // put a U+FFFD, so the strict one runs only then (to tell a real U+FFFD from invalid bytes).
  const text = utf8Decoder.decode(bytes);
  if (!text.includes('\uFFFD')) return text;
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

export function isHex(text: string): boolean {
  return text.length > 0 && HEX_RE.test(text);
}

export function fromHex(text: string): Uint8Array {
  if (!HEX_RE.test(text)) throw new Error('not an even-length hex string');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function fromBase64(text: string): Uint8Array {
  // HAR writers differ: some wrap lines, some use the URL-safe alphabet, some drop padding.
  let clean = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64_RE.test(clean)) throw new Error('not base64');
  clean = clean.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new Error('not base64 (bad length)');
  clean += '='.repeat((4 - (clean.length % 4)) % 4);
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the first differing byte, or -1 when equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
