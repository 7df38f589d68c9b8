/**
 * Reads an image archive's config digest (what `docker image inspect -f '{{.Id}}'` prints) from
 * the archive itself, without Docker: `docker save` format (manifest.json -> Config) or OCI
 * image layout (index.json -> manifest -> config). The digest is computed from the config
 * blob's bytes, not taken from a file name, so a renamed blob cannot fake an id.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ReadEntry } from 'tar';
import { canonicalEntryPath } from './entry-path';
import { appendAll } from '../../../shared/array';

export interface ImageInArchive {
  /** sha256:<hex> of the config blob. */
  configDigest: string;
  repoTags: string[];
  format: 'docker-save' | 'oci';
}

/** Metadata files are small; layers are not. Only small entries are kept in memory. */
const MAX_SMALL_ENTRY = 8 * 1024 * 1024;
const MAX_KEPT_TOTAL = 64 * 1024 * 1024;

export async function readSmallEntries(file: string): Promise<Map<string, Buffer>> {
  // the strict parser (node-tar) loads only for an archive the in-place reader below declines
  const { Parser } = await import('tar');
  const kept = new Map<string, Buffer>();
  let keptBytes = 0;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const size = entry.size ?? 0;
      const path = canonicalEntryPath(String(entry.path));
      const interesting = path === 'manifest.json' || path === 'index.json' || path.endsWith('.json') || path.startsWith('blobs/');
      if (entry.type !== 'File' || !interesting || size > MAX_SMALL_ENTRY || keptBytes + size > MAX_KEPT_TOTAL) {
        entry.resume();
        return;
      }
      keptBytes += size;
      const parts: Buffer[] = [];
      entry.on('data', (c: Buffer) => parts.push(c));
      entry.on('end', () => kept.set(path, Buffer.concat(parts)));
    },
  });
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(file);
    input.on('error', reject);
    parser.on('error', reject);
    parser.on('end', () => resolve());
    input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  return kept;
}

const BLOCK = 512;
/** node-tar's own limit for an extended header body (it ignores bigger ones). */
const MAX_PAX_BYTES = 1024 * 1024;
/** Pax keys that cannot change which entries exist or what they hold. */
const HARMLESS_PAX_KEYS = new Set(['path', 'size', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'mode']);

/** The NUL-terminated string of a header field, as node-tar decodes it. */
const str = (b: Buffer, off: number, len: number) => b.subarray(off, off + len).toString('utf8').replace(/\0.*/, '');

/**
 * A header number exactly as node-tar reads it (same field width, same parseInt), limited to
 * plain octal text: base-256 or junk returns undefined and sends the archive to the full parser.
 */
function octal(b: Buffer, off: number, len: number): number | undefined {
  if (b[off]! & 0x80) return undefined;
  const text = b.subarray(off, off + len).toString('utf8').replace(/\0.*$/, '').trim();
  const n = parseInt(text, 8);
  return /^[0-7]+$/.test(text) && Number.isSafeInteger(n) ? n : undefined;
}

/** `<len> key=value\n` records; undefined when malformed or anything node-tar would read differently. */
function paxRecords(body: Buffer): Map<string, string> | undefined {
  if (!Buffer.from(body.toString('utf8'), 'utf8').equals(body)) return undefined;
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) return undefined;
    const len = Number(body.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > body.length || body[pos + len - 1] !== 0x0a) return undefined;
    const record = body.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0 || record.includes('\n')) return undefined; // node-tar splits the body at every newline first
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    // node-tar turns all-digit values into numbers: a size must be one, a path must not
    if ((key === 'size') !== /^\d+$/.test(value) && (key === 'size' || key === 'path')) return undefined;
    out.set(key, value);
    pos += len;
  }
  return out;
}

/**
 * The same entries as readSmallEntries, by reading the tar's headers in place and skipping every
 * body it does not keep: a 1 GiB image archive costs a few dozen small reads instead of a full
 * pass through the tar parser (verify runs this on every image of a bundle it checks, capture
 * on what it just wrote). Only archives as `docker save` and OCI tools write them take this
 * path: POSIX ustar headers with valid checksums, plain files, folders, links, and pax headers
 * that only set a path, a size or times. Anything else (GNU or old formats, global headers,
 * base-256 numbers, gzip, a checksum failure, a truncated file) returns undefined and the
 * archive goes through node-tar's strict parser, so both paths agree on every archive this one
 * accepts.
 */
export async function readSmallEntriesBySeeking(file: string): Promise<Map<string, Buffer> | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const header = Buffer.alloc(BLOCK);
    const read = async (buf: Buffer, at: number) => (await fh.read(buf, 0, buf.length, at)).bytesRead === buf.length;
    const kept = new Map<string, Buffer>();
    let keptBytes = 0;
    let entries = 0;
    let pax: Map<string, string> | undefined;
    for (let pos = 0; ; ) {
      if (pos + BLOCK > fileSize || !(await read(header, pos))) return undefined;
      if (header.every((b) => b === 0)) {
        // the end: two zero blocks (node-tar reads on after a single one)
        if (pos + 2 * BLOCK > fileSize || !(await read(header, pos + BLOCK)) || !header.every((b) => b === 0)) return undefined;
        return entries > 0 ? kept : undefined;
      }
      if (header.subarray(257, 265).toString('latin1') !== 'ustar\u000000') return undefined;
      const cksum = octal(header, 148, 12);
      let sum = 8 * 0x20;
      for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += header[i]!;
      if (cksum !== sum) return undefined;
      const type = String.fromCharCode(header[156]!);
      const linkpath = str(header, 157, 100);
      let size = octal(header, 124, 12);
      if (size === undefined) return undefined;
      const body = pos + BLOCK;
      if (type === 'x') {
        if (pax || size > MAX_PAX_BYTES || body + size > fileSize) return undefined;
        const paxBody = Buffer.alloc(size);
        if (!(await read(paxBody, body))) return undefined;
        pax = paxRecords(paxBody);
        if (!pax || [...pax.keys()].some((k) => !HARMLESS_PAX_KEYS.has(k))) return undefined;
        pos = body + Math.ceil(size / BLOCK) * BLOCK;
        continue;
      }
      let path = str(header, 0, 100);
      const prefix = header[475] !== 0 ? str(header, 345, 155) : str(header, 345, 130);
      if (prefix) path = `${prefix}/${path}`;
      if (pax?.has('path')) {
        // node-tar puts a ustar prefix in front of a pax path too; no real archive has both
        if (prefix) return undefined;
        path = pax.get('path')!;
      }
      if (pax?.has('size')) {
        const paxSize = pax.get('size')!;
        if (!/^\d+$/.test(paxSize)) return undefined;
        size = Number(paxSize);
      }
      pax = undefined;
      if (!path) return undefined;
      const isLink = type === '1' || type === '2';
      if (isLink ? !linkpath || size !== 0 : linkpath) return undefined;
      if (type === '5') size = 0;
      else if (!((type === '0' || type === '\0') && !path.endsWith('/')) && !isLink) return undefined;
      if (body + size > fileSize) return undefined;
      entries++;
      const canonical = canonicalEntryPath(path);
      const interesting = canonical === 'manifest.json' || canonical === 'index.json' || canonical.endsWith('.json') || canonical.startsWith('blobs/');
      if (type !== '5' && !isLink && interesting && size <= MAX_SMALL_ENTRY && keptBytes + size <= MAX_KEPT_TOTAL) {
        const content = Buffer.alloc(size);
        if (size > 0 && !(await read(content, body))) return undefined;
        keptBytes += size;
        kept.set(canonical, content);
      }
      pos = body + Math.ceil(size / BLOCK) * BLOCK;
    }
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

const sha256 = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

function parseJson(entries: Map<string, Buffer>, path: string): unknown {
  const b = entries.get(path);
  if (!b) throw new Error(`${path} not found in the image archive`);
  try {
    return JSON.parse(b.toString('utf8'));
  } catch (err) {
    throw new Error(`${path} in the image archive is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function blobPath(digest: unknown): string {
  if (typeof digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(digest)) throw new Error(`unexpected digest ${JSON.stringify(digest)}`);
  return `blobs/sha256/${digest.slice(7)}`;
}

function blob(entries: Map<string, Buffer>, digest: unknown): Buffer {
  const p = blobPath(digest);
  const b = entries.get(p);
  if (!b) throw new Error(`${p} not found in the image archive`);
  if (sha256(b) !== digest) throw new Error(`${p} does not match its digest`);
  return b;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

function ociConfigs(entries: Map<string, Buffer>, indexDoc: unknown, depth = 0): ImageInArchive[] {
  if (depth > 4) throw new Error('OCI index nested too deeply');
  const manifests = (indexDoc as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests)) throw new Error('OCI index has no manifests array');
  const out: ImageInArchive[] = [];
  for (const m of manifests as { mediaType?: string; digest?: string; annotations?: Record<string, string> }[]) {
    const body = JSON.parse(blob(entries, m.digest).toString('utf8')) as { mediaType?: string; manifests?: unknown; config?: { digest?: string } };
    if (INDEX_TYPES.has(m.mediaType ?? '') || INDEX_TYPES.has(body.mediaType ?? '') || Array.isArray(body.manifests)) {
      appendAll(out, ociConfigs(entries, body, depth + 1));
      continue;
    }
    const configDigest = body.config?.digest;
    blob(entries, configDigest); // the config must be present and match its digest
    const ref = m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name'];
    out.push({ configDigest: configDigest!, repoTags: ref ? [ref] : [], format: 'oci' });
  }
  return out;
}

/** All images in the archive. Throws with a readable message when the archive is not an image. */
export async function readImageArchive(file: string): Promise<ImageInArchive[]> {
  const entries = (await readSmallEntriesBySeeking(file)) ?? (await readSmallEntries(file));
  if (entries.has('manifest.json')) {
    const doc = parseJson(entries, 'manifest.json');
    if (!Array.isArray(doc) || doc.length === 0) throw new Error('manifest.json in the image archive is not a non-empty array');
    return (doc as { Config?: unknown; RepoTags?: unknown }[]).map((item) => {
      if (typeof item.Config !== 'string') throw new Error('manifest.json entry has no Config');
      const configPath = canonicalEntryPath(item.Config);
      const config = entries.get(configPath);
      if (!config) throw new Error(`config ${configPath} named by manifest.json not found in the image archive`);
      const repoTags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === 'string') : [];
      return { configDigest: sha256(config), repoTags, format: 'docker-save' as const };
    });
  }
  if (entries.has('index.json')) return ociConfigs(entries, parseJson(entries, 'index.json'));
  throw new Error('neither manifest.json (docker save) nor index.json (OCI layout) found in the image archive');
}
