/**
 * DSSE (the in-toto signing envelope) as pure functions over bytes, so the renderer can show
 * what a signature covers and the Node side can sign/verify with the same encoding.
 * https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
import { z } from '../zod';

export const BUNDLE_PAYLOAD_TYPE = 'application/vnd.repro.bundle+json';
export const DSSE_ENVELOPE_PATH = 'attestations/bundle.dsse.json';

const encoder = new TextEncoder();

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const typeBytes = encoder.encode(payloadType);
  const head = encoder.encode(`DSSEv1 ${typeBytes.length} `);
  const mid = encoder.encode(` ${payload.length} `);
  const out = new Uint8Array(head.length + typeBytes.length + mid.length + payload.length);
  let at = 0;
  for (const part of [head, typeBytes, mid, payload]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// DSSE allows either standard or URL-safe base64; signers in the wild use both.
const BASE64_URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decode standard or URL-safe base64; undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  let std = text;
  if (!BASE64_RE.test(text)) {
    if (!BASE64_URL_RE.test(text)) return undefined;
    std = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    while (std.length % 4 !== 0) std += '=';
    if (!BASE64_RE.test(std)) return undefined;
  }
  const bin = atob(std);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    bin += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(bin);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const dsseEnvelopeSchema = z.object({
  payloadType: z.string(),
  payload: z.string(),
  signatures: z
    .array(
      z.object({
        keyid: z.string().optional(),
        sig: z.string(),
      }),
    )
    .min(1),
});
export type DsseEnvelope = z.infer<typeof dsseEnvelopeSchema>;

/** not_checked: the bundle was refused (unreadable, hostile archive) before its signature could be checked. */
export type SignatureStatus = 'trusted' | 'untrusted' | 'invalid' | 'unsigned' | 'not_checked';
