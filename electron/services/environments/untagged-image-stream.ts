/**
 * `docker load` applies whatever names an image archive carries (manifest.json RepoTags, the
 * legacy `repositories` file, OCI ref-name annotations), moving a tag such as `postgres:16` that
 * the machine already uses to the bundle's image. This stream rewrites an archive on its way to
 * the engine so the load applies no name at all: the workbench then tags the manifest's ref
 * itself, only when that tag is free. It also refuses an archive that holds more than one image.
 * Everything else passes through byte for byte, so a multi-GB archive costs no extra copy.
 */
import { posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { Header } from 'tar';

const BLOCK = 512;
/** Metadata entries are small; a bigger one is not what it claims to be. */
const MAX_META_BYTES = 8 * 1024 * 1024;
const REWRITTEN = new Set(['manifest.json', 'repositories', 'index.json']);
const META_TYPES = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath', 'OldExtendedHeader']);
const OCI_NAME_ANNOTATIONS = ['io.containerd.image.name', 'org.opencontainers.image.ref.name'];

export class ImageArchiveRefused extends Error {}

const padded = (n: number) => n + ((BLOCK - (n % BLOCK)) % BLOCK);

/**
 * The name the engine will give an entry: it cleans each path (Go's filepath.Clean) under the
 * extraction folder, so `x/../manifest.json`, `/manifest.json` and `./manifest.json` all become
 * manifest.json there, and so they must here.
 */
export function engineEntryName(raw: string): string {
  return posix.normalize(`/${raw}`).slice(1).replace(/\/+$/, '');
}

/** path= and size= of a pax extended header (records "LEN key=value\n"). */
function paxFields(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(data.subarray(pos, space).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= 0 || pos + len > data.length) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    if (key === 'path') out.path = record.slice(eq + 1);
    if (key === 'size') out.size = Number(record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function rewrite(path: string, data: Buffer): Buffer {
  if (path === 'repositories') return Buffer.from('{}');
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    throw new ImageArchiveRefused(`${path} in the image archive is not valid JSON`);
  }
  if (path === 'manifest.json') {
    if (!Array.isArray(doc) || doc.length === 0) throw new ImageArchiveRefused('manifest.json in the image archive lists no image');
    if (doc.length > 1) throw new ImageArchiveRefused(`the image archive holds ${doc.length} images; a service's archive must hold exactly its one image`);
    return Buffer.from(JSON.stringify(doc.map((m: Record<string, unknown>) => ({ ...m, RepoTags: null }))));
  }
  // index.json (OCI layout): one image, its name annotations removed
  const manifests = (doc as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests)) throw new ImageArchiveRefused('index.json in the image archive has no manifests array');
  if (manifests.length > 1) throw new ImageArchiveRefused(`the image archive holds ${manifests.length} images; a service's archive must hold exactly its one image`);
  for (const m of manifests as Array<{ annotations?: Record<string, string> }>) {
    for (const key of OCI_NAME_ANNOTATIONS) delete m.annotations?.[key];
  }
  return Buffer.from(JSON.stringify(doc));
}

function fileHeader(path: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  new Header({ path, type: 'File', mode: 0o644, size, mtime: new Date(0), uid: 0, gid: 0 }).encode(block, 0);
  return block;
}

/** A Transform from archive bytes to the same archive without any image name in it. */
export function untaggedImageStream(): Transform {
  let pending: Buffer = Buffer.alloc(0);
  let trailer = false;
  /** Bytes of the current entry's data (with padding) still to pass through. */
  let passing = 0;
  /** Collecting a metadata entry or an entry to rewrite: its blocks so far and what it needs. */
  let collecting: { kind: 'meta' | 'rewrite'; header: Buffer; type: string; path: string; need: number; size: number; parts: Buffer[]; got: number } | undefined;
  /** Pseudo-entries (pax, GNU long names) preceding the next real entry, kept to re-emit or drop. */
  let meta: Buffer[] = [];
  let metaPath: string | undefined;
  let metaSize: number | undefined;

  const step = (push: (b: Buffer) => void): boolean => {
    if (trailer) {
      push(pending);
      pending = Buffer.alloc(0);
      return false;
    }
    if (passing > 0) {
      const n = Math.min(passing, pending.length);
      if (n === 0) return false;
      push(pending.subarray(0, n));
      pending = pending.subarray(n);
      passing -= n;
      return true;
    }
    if (collecting) {
      const n = Math.min(collecting.need - collecting.got, pending.length);
      if (n === 0) return false;
      collecting.parts.push(pending.subarray(0, n));
      collecting.got += n;
      pending = pending.subarray(n);
      if (collecting.got < collecting.need) return true;
      const c = collecting;
      collecting = undefined;
      const data = Buffer.concat(c.parts).subarray(0, c.size);
      if (c.kind === 'meta') {
        meta.push(c.header, Buffer.concat(c.parts));
        if (c.type === 'NextFileHasLongPath') metaPath = data.toString('utf8').replace(/\0.*$/s, '');
        if (c.type === 'ExtendedHeader' || c.type === 'OldExtendedHeader') {
          const f = paxFields(data);
          if (f.path !== undefined) metaPath = f.path;
          if (f.size !== undefined) metaSize = f.size;
        }
        return true;
      }
      const body = rewrite(c.path, data);
      // The pseudo-entries before it described the old entry (its size among them): dropped.
      meta = [];
      metaPath = metaSize = undefined;
      push(fileHeader(c.path, body.length));
      push(body);
      push(Buffer.alloc(padded(body.length) - body.length));
      return true;
    }
    if (pending.length < BLOCK) return false;
    const block = Buffer.from(pending.subarray(0, BLOCK));
    pending = pending.subarray(BLOCK);
    if (block.every((b) => b === 0)) {
      // End of archive: whatever follows (the second zero block, padding) goes through as is.
      for (const m of meta) push(m);
      push(block);
      trailer = true;
      return true;
    }
    const h = new Header(block, 0);
    if (!h.cksumValid) throw new ImageArchiveRefused('the image archive is not a valid tar (bad header checksum)');
    const type = String(h.type);
    const size = h.size ?? 0;
    if (META_TYPES.has(type)) {
      if (size > MAX_META_BYTES) throw new ImageArchiveRefused(`a tar extended header of ${size} bytes in the image archive`);
      collecting = { kind: 'meta', header: block, type, path: '', need: padded(size), size, parts: [], got: 0 };
      return true;
    }
    const path = engineEntryName(metaPath ?? String(h.path));
    const dataSize = metaSize ?? size;
    // A link named manifest.json would make the engine read another entry's (unrewritten) names.
    if (REWRITTEN.has(path) && type !== 'File' && type !== 'OldFile') throw new ImageArchiveRefused(`${path} in the image archive is a ${type}, not a file`);
    if ((type === 'File' || type === 'OldFile') && REWRITTEN.has(path)) {
      if (dataSize > MAX_META_BYTES) throw new ImageArchiveRefused(`${path} in the image archive is ${dataSize} bytes; it is metadata`);
      collecting = { kind: 'rewrite', header: block, type, path, need: padded(dataSize), size: dataSize, parts: [], got: 0 };
      return true;
    }
    for (const m of meta) push(m);
    meta = [];
    metaPath = metaSize = undefined;
    push(block);
    passing = type === 'File' || type === 'OldFile' || type === 'ContiguousFile' ? padded(dataSize) : 0;
    return true;
  };

  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      try {
        while (step((b) => b.length > 0 && this.push(b)));
      } catch (err) {
        return cb(err as Error);
      }
      cb();
    },
    flush(cb: TransformCallback) {
      if (collecting || passing > 0) return cb(new ImageArchiveRefused('the image archive ends in the middle of an entry'));
      if (pending.length) this.push(pending);
      cb();
    },
  });
}
