/**
 * The user's trusted-keys folder: the public keys whose bundle signatures `verify` accepts.
 * Only public keys are ever written here (never a private key, even one handed in by mistake),
 * one SPKI PEM file per key, written atomically.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { writeFileAtomic } from '../atomic-write';
import { loadTrustedKeysDir, publicKeyFromPem } from './keys';

export interface TrustedKeyEntry {
  keyid: string;
  /** File name in the folder. */
  file: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function listTrustedKeys(dir: string): Promise<{ dir: string; keys: TrustedKeyEntry[]; skipped: string[] }> {
  const { keys, skipped } = await loadTrustedKeysDir(dir);
  return { dir, keys: keys.map((k) => ({ keyid: k.keyid, file: basename(k.source) })), skipped };
}

/**
 * Trust the public key in `pem`. Stored as `<name>.pem` (default: the first 16 hex digits of the
 * key id). Adding a key that is already trusted changes nothing.
 */
export async function addTrustedKey(dir: string, pem: string, source: string, name?: string): Promise<TrustedKeyEntry & { added: boolean }> {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new WorkbenchError('invalid_argument', `${source} is a private key; trust its public half instead (the NAME.pub.pem that repro keygen wrote), and keep the private key to yourself`);
  }
  const key = publicKeyFromPem(pem, source);
  const fileName = `${name ?? key.keyid.slice(0, 16)}.pem`;
  if (name !== undefined && !NAME_RE.test(name)) throw new WorkbenchError('invalid_argument', `key name "${name}": use letters, digits, ".", "_" or "-" (at most 64)`);
  const existing = (await listTrustedKeys(dir)).keys;
  const same = existing.find((k) => k.keyid === key.keyid);
  if (same) return { ...same, added: false };
  if (existing.some((k) => k.file === fileName)) throw new WorkbenchError('conflict', `${join(dir, fileName)} already holds another key; pick another --name`);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, fileName), key.key.export({ type: 'spki', format: 'pem' }).toString());
  return { keyid: key.keyid, file: fileName, added: true };
}

/** Stop trusting a key, named by its key id (or a prefix of at least 8 hex digits) or its file name. */
export async function removeTrustedKey(dir: string, which: string): Promise<TrustedKeyEntry> {
  const { keys } = await listTrustedKeys(dir);
  const wanted = which.toLowerCase();
  const byFile = keys.filter((k) => k.file === which || k.file === `${which}.pem`);
  const byId = /^[0-9a-f]{8,64}$/.test(wanted) ? keys.filter((k) => k.keyid.startsWith(wanted)) : [];
  const matches = [...new Map([...byFile, ...byId].map((k) => [k.file, k])).values()];
  if (matches.length === 0) throw new WorkbenchError('not_found', `no trusted key matches "${which}" in ${dir} (give a key id, at least 8 of its hex digits, or a file name)`);
  if (matches.length > 1) throw new WorkbenchError('conflict', `"${which}" matches ${matches.length} trusted keys (${matches.map((k) => k.file).join(', ')}); give more of the key id`);
  await unlink(join(dir, matches[0]!.file));
  return matches[0]!;
}
