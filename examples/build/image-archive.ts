// Writes container images as `docker save` archives without a registry or a Docker daemon,
// byte for byte the same on every build: the sample incident commits these archives and pins
// their digests in its manifest, so any drift in ordering, timestamps or ownership would
// break verification of a bundle nobody changed.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Header } from 'tar';

export type LayerEntry =
  | { path: string; mode: number; content: Buffer | string }
  | { path: string; mode: number; type: 'dir' }
  | { path: string; type: 'symlink'; target: string };

export interface LayerSpec {
  files: LayerEntry[];
}

/** The subset of the OCI/Docker image `config` object the sample needs. */
export interface ImageConfigSpec {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  /** `["8080/tcp"]` or Docker's own `{"8080/tcp": {}}`. */
  ExposedPorts?: string[] | Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
}

export interface ImageArchiveSpec {
  /** `name:tag` written into manifest.json, e.g. `shop/checkout:2.14.0`. */
  repoTag: string;
  layers: LayerSpec[];
  config: ImageConfigSpec;
  /** Image architecture; defaults to the machine's, since the layer's binaries are the machine's. */
  architecture?: string;
  /** The one timestamp used for `created`, history and every file's mtime. */
  created?: Date;
}

export interface ImageArchive {
  /** The archive bytes, as `docker save` would write them. */
  bytes: Buffer;
  /** `sha256:` + digest of the config JSON: what `docker image inspect --format '{{.Id}}'` reports after load. */
  id: string;
  /** `sha256:` + digest of each uncompressed layer tar, in order. */
  diffIds: string[];
}

/** 2026-11-20T12:00:00Z: a fixed epoch so rebuilding never changes a byte. */
export const FIXED_EPOCH = new Date(Date.UTC(2026, 10, 20, 12, 0, 0));

const BLOCK = 512;

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Relative, normalised path of a tar entry; refuses anything that could escape the rootfs. */
function normaliseEntryPath(raw: string, where: string): string {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = trimmed.split('/');
  if (trimmed === '' || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`${where}: invalid path "${raw}" (must be non-empty, without "." or ".." parts)`);
  }
  return trimmed;
}

interface TarEntry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink';
  mode: number;
  content: Buffer;
  linkpath?: string;
}

function encodeTar(entries: TarEntry[], mtime: Date): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of entries) {
    const header = new Header({
      path: entry.type === 'Directory' ? `${entry.path}/` : entry.path,
      mode: entry.mode,
      uid: 0,
      gid: 0,
      size: entry.content.length,
      mtime,
      type: entry.type,
      linkpath: entry.linkpath ?? '',
      uname: '',
      gname: '',
    });
    const block = Buffer.alloc(BLOCK);
    // A PAX extended header would carry its own timestamps; plain ustar keeps the bytes fixed.
    if (header.encode(block, 0)) {
      throw new Error(`tar entry "${entry.path}" needs a PAX header (path or link target too long for ustar)`);
    }
    chunks.push(block, entry.content);
    const pad = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

/** One layer's tar: entries sorted, missing parent directories added (0755), owner root. */
export function buildLayerTar(layer: LayerSpec, mtime: Date = FIXED_EPOCH, where = 'layer'): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const [i, file] of layer.files.entries()) {
    const path = normaliseEntryPath(file.path, `${where}.files[${i}]`);
    if (byPath.has(path)) throw new Error(`${where}.files[${i}]: duplicate path "${path}"`);
    if ('type' in file && file.type === 'symlink') {
      byPath.set(path, { path, type: 'SymbolicLink', mode: 0o777, content: Buffer.alloc(0), linkpath: file.target });
    } else if ('type' in file && file.type === 'dir') {
      byPath.set(path, { path, type: 'Directory', mode: file.mode, content: Buffer.alloc(0) });
    } else if ('content' in file) {
      const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      byPath.set(path, { path, type: 'File', mode: file.mode, content });
    }
  }
  for (const path of [...byPath.keys()]) {
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const parent = parts.slice(0, n).join('/');
      const existing = byPath.get(parent);
      if (!existing) byPath.set(parent, { path: parent, type: 'Directory', mode: 0o755, content: Buffer.alloc(0) });
      else if (existing.type !== 'Directory') throw new Error(`${where}: "${parent}" is a parent of "${path}" but not a directory`);
    }
  }
  // Byte order of the path (with a directory's trailing slash) puts every parent before its children.
  const sortKey = (e: TarEntry) => (e.type === 'Directory' ? `${e.path}/` : e.path);
  const entries = [...byPath.values()].sort((a, b) => Buffer.compare(Buffer.from(sortKey(a)), Buffer.from(sortKey(b))));
  return encodeTar(entries, mtime);
}

function dockerArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function imageConfigObject(spec: ImageConfigSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec.Env) out.Env = [...spec.Env];
  if (spec.Entrypoint) out.Entrypoint = [...spec.Entrypoint];
  if (spec.Cmd) out.Cmd = [...spec.Cmd];
  if (spec.WorkingDir) out.WorkingDir = spec.WorkingDir;
  if (spec.ExposedPorts) {
    const ports = Array.isArray(spec.ExposedPorts)
      ? Object.fromEntries(spec.ExposedPorts.map((p) => [p, {}]))
      : spec.ExposedPorts;
    out.ExposedPorts = sortedRecord(ports);
  }
  if (spec.Labels) out.Labels = sortedRecord(spec.Labels);
  return out;
}

function splitRepoTag(repoTag: string): { repo: string; tag: string } {
  const slash = repoTag.lastIndexOf('/');
  const colon = repoTag.lastIndexOf(':');
  if (colon <= slash) return { repo: repoTag, tag: 'latest' };
  return { repo: repoTag.slice(0, colon), tag: repoTag.slice(colon + 1) };
}

/** Builds the archive in memory. Pure apart from reading `process.arch` for the default architecture. */
export function buildImageArchive(spec: ImageArchiveSpec): ImageArchive {
  if (!/^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?$/.test(spec.repoTag)) {
    throw new Error(`repoTag "${spec.repoTag}" is not a valid lowercase name[:tag]`);
  }
  if (spec.layers.length === 0) throw new Error('an image needs at least one layer');
  const created = spec.created ?? FIXED_EPOCH;
  const createdIso = created.toISOString().replace(/\.000Z$/, 'Z');

  const layerTars = spec.layers.map((layer, i) => buildLayerTar(layer, created, `layers[${i}]`));
  const diffIds = layerTars.map((tarBytes) => `sha256:${sha256Hex(tarBytes)}`);
  // v1-style layer folder names: a chain over the diff ids, so equal layers at different positions never collide.
  const layerDirs: string[] = [];
  let chain = '';
  for (const diffId of diffIds) {
    chain = sha256Hex(chain === '' ? diffId : `${chain} ${diffId}`);
    layerDirs.push(chain);
  }

  const configJson = JSON.stringify({
    architecture: spec.architecture ?? dockerArchitecture(),
    config: imageConfigObject(spec.config),
    created: createdIso,
    history: diffIds.map(() => ({ created: createdIso, created_by: 'repro-workbench examples/build/image-archive.ts' })),
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  });
  const configHex = sha256Hex(configJson);
  const { repo, tag } = splitRepoTag(spec.repoTag);
  const topLayerDir = layerDirs[layerDirs.length - 1] as string;

  const manifest = JSON.stringify([
    { Config: `${configHex}.json`, RepoTags: [spec.repoTag], Layers: layerDirs.map((d) => `${d}/layer.tar`) },
  ]);
  const repositories = JSON.stringify({ [repo]: { [tag]: topLayerDir } });

  const outer: TarEntry[] = [{ path: `${configHex}.json`, type: 'File', mode: 0o644, content: Buffer.from(configJson) }];
  layerDirs.forEach((dir, i) => {
    outer.push({ path: dir, type: 'Directory', mode: 0o755, content: Buffer.alloc(0) });
    outer.push({ path: `${dir}/VERSION`, type: 'File', mode: 0o644, content: Buffer.from('1.0') });
    outer.push({ path: `${dir}/layer.tar`, type: 'File', mode: 0o644, content: layerTars[i] as Buffer });
  });
  outer.push({ path: 'manifest.json', type: 'File', mode: 0o644, content: Buffer.from(manifest) });
  outer.push({ path: 'repositories', type: 'File', mode: 0o644, content: Buffer.from(repositories) });
  outer.sort((a, b) => {
    const ka = a.type === 'Directory' ? `${a.path}/` : a.path;
    const kb = b.type === 'Directory' ? `${b.path}/` : b.path;
    return Buffer.compare(Buffer.from(ka), Buffer.from(kb));
  });

  return { bytes: encodeTar(outer, created), id: `sha256:${configHex}`, diffIds };
}

/** Writes the archive to `outFile` (atomically: a reader never sees half an image). */
export async function writeImageArchive(outFile: string, spec: ImageArchiveSpec): Promise<{ id: string }> {
  const archive = buildImageArchive(spec);
  await mkdir(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  await writeFile(tmp, archive.bytes);
  await rename(tmp, outFile);
  return { id: archive.id };
}
