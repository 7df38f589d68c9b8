/**
 * DSSE signatures over bundle.json (attestations/bundle.dsse.json): Ed25519 over the PAE.
 * Since `files` pins every other file's digest, one signature covers the whole bundle.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import {
  BUNDLE_PAYLOAD_TYPE,
  bytesEqual,
  decodeBase64,
  DSSE_ENVELOPE_PATH,
  dsseEnvelopeSchema,
  encodeBase64,
  preAuthEncoding,
  type DsseEnvelope,
  type SignatureStatus,
} from '../../../shared/bundle/dsse';
import type { BundleProblem, BundleWarning } from '../../../shared/bundle/problems';
import { BundlePathError, readBundleFile } from './bundle-path';
import { keyIdOf, type TrustedKey } from './keys';

export interface SignatureCheck {
  status: SignatureStatus;
  keyid?: string;
  /** signature_invalid when status is invalid; otherwise none (trust requirements are the caller's). */
  problems: BundleProblem[];
  notes: string[];
}

const MAX_ENVELOPE_BYTES = 64 * 1024 * 1024;

export async function checkSignature(root: string, manifestBytes: Uint8Array, keys: TrustedKey[]): Promise<SignatureCheck> {
  const invalid = (message: string, keyid?: string): SignatureCheck => ({
    status: 'invalid',
    ...(keyid ? { keyid } : {}),
    problems: [{ code: 'signature_invalid', path: DSSE_ENVELOPE_PATH, message }],
    notes: [],
  });
  let text: string;
  try {
    text = await readBundleFile(root, DSSE_ENVELOPE_PATH, { encoding: 'utf8', maxBytes: MAX_ENVELOPE_BYTES });
  } catch (err) {
    if (err instanceof BundlePathError && err.reason === 'missing') return { status: 'unsigned', problems: [], notes: [] };
    if (err instanceof BundlePathError) return invalid(err.message);
    throw err;
  }

  let envelope: DsseEnvelope;
  try {
    const parsed = dsseEnvelopeSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return invalid(`${DSSE_ENVELOPE_PATH} is not a DSSE envelope: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    envelope = parsed.data;
  } catch (err) {
    return invalid(`${DSSE_ENVELOPE_PATH} is not valid JSON: ${(err as Error).message}`);
  }
  const firstKeyid = envelope.signatures.find((s) => s.keyid)?.keyid;
  if (envelope.payloadType !== BUNDLE_PAYLOAD_TYPE) {
    return invalid(`payloadType is "${envelope.payloadType}", expected "${BUNDLE_PAYLOAD_TYPE}"`, firstKeyid);
  }
  const payload = decodeBase64(envelope.payload);
  if (!payload) return invalid('payload is not base64', firstKeyid);
  if (!bytesEqual(payload, manifestBytes)) {
    return invalid('the signed payload is not byte-for-byte equal to bundle.json (the manifest changed after signing)', firstKeyid);
  }
  const pae = preAuthEncoding(envelope.payloadType, payload);
  const notes: string[] = [];
  let failedWith: string | undefined;
  for (const sig of envelope.signatures) {
    const sigBytes = decodeBase64(sig.sig);
    // A keyid is a hint; without one, every trusted key is tried.
    const candidates = sig.keyid ? keys.filter((k) => k.keyid === sig.keyid) : keys;
    for (const k of candidates) {
      const ok = sigBytes !== undefined && cryptoVerify(null, pae, k.key, sigBytes);
      if (ok) return { status: 'trusted', keyid: k.keyid, problems: [], notes };
      if (sig.keyid) failedWith = k.keyid;
    }
  }
  if (failedWith) return invalid(`signature by key ${failedWith.slice(0, 16)}… does not verify: the bundle was altered or signed with another key`, failedWith);
  const ids = envelope.signatures.map((s) => (s.keyid ? s.keyid.slice(0, 16) + '…' : '(no keyid)')).join(', ');
  notes.push(`signed by ${ids}, which is not among the trusted keys (${keys.length} loaded)`);
  return { status: 'untrusted', ...(firstKeyid ? { keyid: firstKeyid } : {}), problems: [], notes };
}

export function makeEnvelope(manifestBytes: Uint8Array, privateKeyPem: string, source = 'private key'): { envelope: DsseEnvelope; keyid: string } {
  let privateKey;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `${source}: not a PEM private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new WorkbenchError('invalid_argument', `${source}: expected an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? 'unknown type'}`);
  }
  const keyid = keyIdOf(createPublicKey(privateKey));
  const sig = cryptoSign(null, preAuthEncoding(BUNDLE_PAYLOAD_TYPE, manifestBytes), privateKey);
  return {
    envelope: { payloadType: BUNDLE_PAYLOAD_TYPE, payload: encodeBase64(manifestBytes), signatures: [{ keyid, sig: encodeBase64(sig) }] },
    keyid,
  };
}

/** Writes attestations/bundle.dsse.json for the bundle folder's current bundle.json. */
export async function signBundleFolder(root: string, privateKeyPem: string, source?: string): Promise<{ keyid: string; file: string }> {
  const manifestBytes = await readFile(join(root, 'bundle.json'));
  const { envelope, keyid } = makeEnvelope(manifestBytes, privateKeyPem, source);
  const file = join(root, DSSE_ENVELOPE_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(envelope, null, 2) + '\n');
  return { keyid, file };
}

export function signatureWarnings(check: SignatureCheck): BundleWarning[] {
  return check.notes.map((message) => ({ code: 'signature_note', path: DSSE_ENVELOPE_PATH, message }));
}
