/**
 * Limits on unpacking an archive (a hostile bundle may be a zip bomb or a million tiny files).
 * Precedence: explicit option (CLI flag) > setting in <configDir>/settings.json > default.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from '../paths';

export interface UnpackLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

export const DEFAULT_LIMITS: UnpackLimits = {
  maxEntries: 100_000,
  maxUnpackedBytes: 20 * 1024 ** 3,
};

/** The `bundles` section of <configDir>/settings.json (undefined without one), and the file's path for messages. */
async function bundleSettings(dir: string): Promise<{ file: string; bundles?: Record<string, unknown> }> {
  const file = join(dir, 'settings.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file };
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const bundles = (data as { bundles?: Record<string, unknown> } | null)?.bundles;
  return bundles === undefined ? { file } : { file, bundles };
}

/**
 * settings.json may hold `{ "bundles": { "maxEntries": n, "maxUnpackedBytes": n } }`.
 * A missing file means defaults; a malformed one is an error, because silently ignoring a
 * limit the user wrote down would surprise them.
 */
export async function limitsFromSettings(dir: string = configDir()): Promise<Partial<UnpackLimits>> {
  const { file, bundles } = await bundleSettings(dir);
  if (bundles === undefined) return {};
  const out: Partial<UnpackLimits> = {};
  for (const key of ['maxEntries', 'maxUnpackedBytes'] as const) {
    const v = bundles[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      throw new Error(`${file}: bundles.${key} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/**
 * The signature policy: `{ "bundles": { "requireSignature": true } }` makes `up` refuse a
 * bundle no trusted key signed (as `repro up --require-signature` does for one run).
 */
export async function requireSignatureFromSettings(dir: string = configDir()): Promise<boolean> {
  const { file, bundles } = await bundleSettings(dir);
  const v = bundles?.requireSignature;
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new Error(`${file}: bundles.requireSignature must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export async function resolveLimits(explicit: Partial<UnpackLimits> = {}, settingsDir?: string): Promise<UnpackLimits> {
  const fromSettings = await limitsFromSettings(settingsDir);
  return { ...DEFAULT_LIMITS, ...fromSettings, ...dropUndefined(explicit) };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A size as people write it: KiB, MiB, GiB, TiB (and docker's bare k, m, g, t) are powers of
 * 1024; kB, MB, GB, TB are powers of 1000, as their SI names say; a bare number is bytes.
 */
export function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m?.[2]?.toLowerCase() ?? '';
  const binary: Record<string, number> = { '': 0, b: 0, k: 1, kib: 1, m: 2, mib: 2, g: 3, gib: 3, t: 4, tib: 4 };
  const decimal: Record<string, number> = { kb: 1, mb: 2, gb: 3, tb: 4 };
  if (!m || (!(unit in binary) && !(unit in decimal))) throw new Error(`expected a size such as 20GiB, 500MiB or 2GB (GB = 10^9 bytes, GiB = 2^30), got "${text}"`);
  const n = Math.floor(Number(m[1]) * (unit in decimal ? 1000 ** decimal[unit]! : 1024 ** binary[unit]!));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`size out of range: "${text}"`);
  return n;
}
