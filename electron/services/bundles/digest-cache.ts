/**
 * SHA-256 digests of bundle files already verified, so bringing the same bundle up again does
 * not hash its image archives and snapshots again. A file's entry holds only while the file is
 * the very same: same path, size, modification time, change time (which nobody can set back),
 * device and inode. Anything else and the file is hashed again. `repro up` uses it and says how
 * many digests it reused; `repro verify` always hashes every byte. Without a file it lives in
 * memory only: capture fills one with the digests it took of the bytes on their way to disk, so
 * its closing verification does not read every image and snapshot a second time.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../atomic-write';

export interface CachedDigest {
  sha256: string;
  /** What the credential scan found in the file (empty when nothing). */
  secrets: { kind: string; line?: number }[];
}

interface Entry extends CachedDigest {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  dev: string;
  ino: string;
  at: number;
}

type Identity = Pick<Entry, 'size' | 'mtimeNs' | 'ctimeNs' | 'dev' | 'ino'>;

const same = (a: Identity, b: Identity) => a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.dev === b.dev && a.ino === b.ino;

/** Entries kept at most (the oldest go first). */
const MAX_ENTRIES = 5000;

export class DigestCache {
  private entries: Record<string, Entry> = {};
  private changed = false;
  /** Files whose digest came from the cache in this run. */
  reused = 0;

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; entries?: Record<string, Entry> };
      if (doc.version === 1 && doc.entries && typeof doc.entries === 'object') this.entries = doc.entries;
    } catch {
      // none yet, or unreadable: start empty (it is only a cache)
    }
  }

  private static async identity(path: string): Promise<Identity> {
    const st = await stat(path, { bigint: true });
    return { size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), dev: String(st.dev), ino: String(st.ino) };
  }

  /**
   * The digest of `path` if it is unchanged since it was stored; else undefined and a token to
   * pass to set() after hashing (the file as it was before the hash was taken).
   */
  async get(path: string): Promise<{ hit: CachedDigest } | { before: Identity | undefined }> {
    const id = await DigestCache.identity(path).catch(() => undefined);
    const e = this.entries[path];
    if (e && id && same(id, e)) {
      this.reused++;
      return { hit: { sha256: e.sha256, secrets: e.secrets } };
    }
    return { before: id };
  }

  /** Remember the digest just taken of `path`, unless the file changed while it was hashed. */
  async set(path: string, before: Identity | undefined, value: CachedDigest): Promise<void> {
    const after = await DigestCache.identity(path).catch(() => undefined);
    if (!before || !after || !same(before, after)) return;
    this.entries[path] = { ...after, ...value, at: Date.now() };
    this.changed = true;
  }

  async save(): Promise<void> {
    if (!this.changed || !this.file) return;
    const keys = Object.keys(this.entries);
    if (keys.length > MAX_ENTRIES) {
      for (const k of keys.sort((a, b) => this.entries[a]!.at - this.entries[b]!.at).slice(0, keys.length - MAX_ENTRIES)) delete this.entries[k];
    }
    mkdirSync(dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, entries: this.entries }) + '\n', { mode: 0o600 });
    this.changed = false;
  }
}
