/**
 * Ed25519 keys for bundle signatures. A key's id is the SHA-256 (hex) of its SPKI DER, so the
 * same public key has the same id wherever it is stored.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';

export interface TrustedKey {
  keyid: string;
  key: KeyObject;
  /** Where it came from (file path), for messages. */
  source: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** A PEM public key (SPKI) — or a private key, from which the public half is taken. */
export function publicKeyFromPem(pem: string, source: string): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `${source}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new WorkbenchError('invalid_argument', `${source}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown type'}`);
  }
  return { keyid: keyIdOf(key), key, source };
}

/** A PEM Ed25519 public key is about 113 bytes; anything near this is not a key file. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * A key path may come from the API (bundle.verify's `keys`): it must be a regular file of at
 * most 64 KiB. Opened non-blocking (a FIFO does not hang the open) and checked on the opened
 * descriptor before a byte is read, so /dev/zero or a named pipe is refused, not read.
 */
export async function loadKeyFile(file: string): Promise<TrustedKey> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new WorkbenchError('not_found', `cannot read key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let pem: string;
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${file} is not a regular file; a key is a PEM file`);
    if (st.size > MAX_KEY_FILE_BYTES) throw new WorkbenchError('invalid_argument', `${file} is ${st.size} bytes; a key file is at most ${MAX_KEY_FILE_BYTES}`);
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await handle.read(buf, 0, st.size, 0);
    pem = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  return publicKeyFromPem(pem, file);
}

/**
 * Keys in the user's trusted-keys folder (*.pem). A missing folder means none. A file there
 * that is not a usable key is skipped and reported, so one stray file does not hide the rest.
 */
export async function loadTrustedKeysDir(dir: string): Promise<{ keys: TrustedKey[]; skipped: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pem')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [], skipped: [] };
    throw err;
  }
  const keys: TrustedKey[] = [];
  const skipped: string[] = [];
  for (const n of names) {
    try {
      keys.push(await loadKeyFile(join(dir, n)));
    } catch (err) {
      skipped.push(`${join(dir, n)}: ${(err as Error).message}`);
    }
  }
  return { keys, skipped };
}

export function generateSigningKey(): { privatePem: string; publicPem: string; keyid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyid: keyIdOf(publicKey),
  };
}
