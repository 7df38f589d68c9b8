/**
 * Reads an image archive's config digest (what `docker image inspect -f '{{.Id}}'` prints) from
 * the archive itself, without Docker: `docker save` format (manifest.json -> Config) or OCI
 * image layout (index.json -> manifest -> config). The digest is computed from the config
 * blob's bytes, not taken from a file name, so a renamed blob cannot fake an id.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
import { canonicalEntryPath } from './unpack';
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

async function readSmallEntries(file: string): Promise<Map<string, Buffer>> {
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
  const entries = await readSmallEntries(file);
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
