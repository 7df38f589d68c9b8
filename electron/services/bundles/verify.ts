/**
 * Verifying an opened bundle: every listed file's size and SHA-256 (streamed, a few files at a
 * time), files missing or unlisted, each image archive's config digest against image.id, the
 * DSSE signature, and a scan for credentials that should not travel in a bundle.
 * The result is exactly the `repro verify --json` document.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import { isExemptFromListing } from '../../../shared/bundle/paths';
import type { BundleProblem, BundleWarning, VerifyReport } from '../../../shared/bundle/problems';
import { envValueLooksSecret } from '../../../shared/bundle/secrets';
import { throwIfCancelled, unlessCancelled } from '../abort';
import { trustedKeysDir as defaultTrustedKeysDir } from '../paths';
import { resolveBundlePath } from './bundle-path';
import { HASH_CHUNK_BYTES, sha256File } from './hash';
import type { DigestCache } from './digest-cache';
import { createHashPool, type HashPool } from './hash-pool';
import { readImageArchive } from './image-id';
import { loadKeyFile, loadTrustedKeysDir, type TrustedKey } from './keys';
import type { OpenedBundle } from './open';
import { SecretScanner, TEXT_EXTENSIONS } from './secret-scan';
import { checkSignature, signatureWarnings } from './signature';
import { walkBundle } from './walk';
import { timed, timedSince } from '../timing';
import { appendAll } from '../../../shared/array';

export interface VerifyProgress {
  /** Bytes hashed so far. */
  done: number;
  /** Bytes to hash in total. */
  total: number;
  /** File being hashed. */
  path?: string;
}

export interface VerifyOptions {
  /** PEM files of public keys to trust for this run (`--key`). */
  keys?: string[];
  /** Folder of trusted public keys; default <configDir>/trusted-keys; null = none (integrity-only checks). */
  trustedKeysDir?: string | null;
  /** Fail unless a trusted signature exists. Default: true when `keys` were given. */
  requireTrusted?: boolean;
  onProgress?: (p: VerifyProgress) => void;
  /** Files hashed at once; default min(4, CPUs). */
  concurrency?: number;
  /** Files at least this big (and not text) are hashed on worker threads; default 64 MiB. */
  workerMinBytes?: number;
  /**
   * Hash worker threads (default: one core is left to this thread, at most 4). A caller that only
   * waits for the result (capture's final check) may give every core to the workers.
   */
  hashWorkers?: number;
  /** Stops the check (it then throws a `cancelled` error). */
  signal?: AbortSignal;
  /**
   * Reuse digests of files unchanged since an earlier verification (same size, times and inode),
   * and remember new ones. `files.reused` in the report says how many were reused.
   */
  digestCache?: DigestCache;
  /** Told which public keys this check trusts (each key file is read once). */
  onTrustedKeys?: (keys: readonly TrustedKey[]) => void;
}

const MAX_SCAN_BYTES = 256 * 1024 * 1024;
const WORKER_MIN_BYTES = 64 * 1024 * 1024;

export async function verifyBundle(opened: OpenedBundle, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const { manifest, root } = opened;
  const problems: BundleProblem[] = [];
  const warnings: BundleWarning[] = [];

  const keys: TrustedKey[] = [];
  for (const f of opts.keys ?? []) keys.push(await loadKeyFile(f));
  const fromDir = opts.trustedKeysDir === null ? { keys: [], skipped: [] } : await loadTrustedKeysDir(opts.trustedKeysDir ?? defaultTrustedKeysDir());
  appendAll(keys, fromDir.keys);
  for (const s of fromDir.skipped) warnings.push({ code: 'signature_note', message: `trusted key skipped: ${s}` });
  opts.onTrustedKeys?.(keys);

  const signal = opts.signal;
  const cancelled = 'verification cancelled';
  throwIfCancelled(signal, cancelled);
  const tree = await walkBundle(root);
  appendAll(problems, tree.unsafe);
  const unsafePaths = new Set(tree.unsafe.map((p) => p.path));
  const failed = new Set<string>();

  // Listed files: present, right size, then hashed.
  const toHash: { path: string; size: number; sha256: string }[] = [];
  for (const entry of manifest.files) {
    const actual = tree.files.get(entry.path);
    if (actual === undefined) {
      failed.add(entry.path);
      if (!unsafePaths.has(entry.path)) {
        problems.push({ code: 'missing_file', path: entry.path, message: `${entry.path} is listed in bundle.json but missing` });
      }
      continue;
    }
    if (actual !== entry.size) {
      failed.add(entry.path);
      problems.push({ code: 'size_mismatch', path: entry.path, message: `${entry.path} is ${actual} bytes; bundle.json lists ${entry.size}` });
      continue;
    }
    toHash.push(entry);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const path of tree.files.keys()) {
    if (!listed.has(path) && !isExemptFromListing(path)) {
      problems.push({ code: 'unlisted_file', path, message: `${path} is in the bundle but not listed in bundle.json (every file must be listed with its digest)` });
    }
  }

  // Hash, largest first so one big file does not end up alone at the tail.
  const total = toHash.reduce((n, f) => n + f.size, 0);
  let done = 0;
  opts.onProgress?.({ done, total });
  const queue = [...toHash].sort((a, b) => b.size - a.size);
  const workers = Math.max(1, Math.min(opts.concurrency ?? Math.min(4, availableParallelism()), queue.length));
  const secretHits: BundleWarning[] = [];
  // Big binary files (images, snapshots) go to worker threads; text stays here to be scanned.
  const workerMin = opts.workerMinBytes ?? WORKER_MIN_BYTES;
  const onWorker = (e: { path: string; size: number }) => e.size >= workerMin && !TEXT_EXTENSIONS.test(e.path);
  // Started on the first file that needs one: a bundle whose big files all come from the digest
  // cache (capture's own check, a second verify) pays no worker start at all.
  let pool: HashPool | undefined;
  const poolSize = Math.min(queue.filter(onWorker).length, Math.max(1, opts.hashWorkers ?? Math.min(4, availableParallelism() - 1)));
  const hashOnPool = (file: string, onBytes: (n: number) => void) => (pool ??= createHashPool(poolSize)).hash(file, onBytes);
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (let next = queue.shift(); next; next = queue.shift()) {
      throwIfCancelled(signal, cancelled);
      const entry = next;
      // tree.files holds only regular files reached through real folders (walkBundle never
      // follows a link), so the path under root is the checked one.
      const file = join(root, entry.path);
      const progressed = (n: number) => {
        done += n;
        opts.onProgress?.({ done, total, path: entry.path });
      };
      const cached = await opts.digestCache?.get(file);
      let sha256: string;
      let found: { kind: string; line?: number }[];
      if (cached && 'hit' in cached) {
        ({ sha256, secrets: found } = cached.hit);
        progressed(entry.size);
      } else {
        const scanner = entry.size <= MAX_SCAN_BYTES && !onWorker(entry) ? new SecretScanner({ textByName: TEXT_EXTENSIONS.test(entry.path) }) : undefined;
        ({ sha256 } = onWorker(entry)
          ? await unlessCancelled(hashOnPool(file, progressed), signal, cancelled)
          : await sha256File(
              file,
              (chunk) => {
                throwIfCancelled(signal, cancelled);
                scanner?.push(chunk);
                progressed(chunk.length);
              },
              buffer,
            ));
        found = scanner?.finish() ?? [];
        // only a file that matched its listed digest is worth remembering
        if (cached && sha256 === entry.sha256) await opts.digestCache!.set(file, cached.before, { sha256, secrets: found });
      }
      if (sha256 !== entry.sha256) {
        failed.add(entry.path);
        problems.push({ code: 'digest_mismatch', path: entry.path, message: `${entry.path}: SHA-256 is ${sha256}; bundle.json lists ${entry.sha256}` });
      }
      for (const kind of found) {
        secretHits.push({
          code: 'secret_suspect',
          path: entry.path,
          message: `${entry.path}${kind.line ? ` line ${kind.line}` : ''} looks like it contains a credential (${kind.kind}); a bundle should carry secret names only`,
        });
      }
    }
  };
  try {
    await timed('verify: digests of listed files', () => Promise.all(Array.from({ length: workers }, worker)));
  } finally {
    await pool?.close();
  }
  await opts.digestCache?.save();
  throwIfCancelled(signal, cancelled);
  secretHits.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
  appendAll(warnings, secretHits);

  // Images: the config digest read from each archive must equal image.id.
  const imagesStart = performance.now();
  for (const [i, s] of manifest.services.entries()) {
    const archive = s.image.archive;
    if (!archive || failed.has(archive) || !tree.files.has(archive)) continue;
    try {
      const images = await readImageArchive(await resolveBundlePath(root, archive));
      if (images.length > 1) {
        // `up` would refuse it too: loading it would bring (and could name) images nobody asked for.
        problems.push({ code: 'unsafe_archive', path: archive, message: `services[${i}] "${s.name}": ${archive} holds ${images.length} images; a service's archive must hold exactly its one image` });
        continue;
      }
      const tagged = images.filter((img) => img.repoTags.includes(s.image.ref));
      const candidates = tagged.length > 0 ? tagged : images;
      if (!candidates.some((img) => img.configDigest === s.image.id)) {
        problems.push({
          code: 'image_id_mismatch',
          path: archive,
          message: `services[${i}] "${s.name}": ${archive} holds image ${candidates.map((c) => c.configDigest).join(', ')}; bundle.json says image.id is ${s.image.id}`,
        });
      }
    } catch (err) {
      problems.push({ code: 'corrupt_archive', path: archive, message: `services[${i}] "${s.name}": cannot read image archive ${archive}: ${(err as Error).message}` });
    }
  }

  timedSince('verify: image ids from the archives', imagesStart);

  for (const s of manifest.services) {
    for (const [name, value] of Object.entries(s.env ?? {})) {
      const kind = envValueLooksSecret(name, value);
      if (kind) {
        warnings.push({
          code: 'secret_suspect',
          path: `bundle.json#/services/${manifest.services.indexOf(s)}/env/${name}`,
          message: `service "${s.name}" env ${name} looks like a credential (${kind}); declare it under "secrets" (names only) instead`,
        });
      }
    }
  }

  // Signature over the exact bytes of bundle.json as opened.
  const manifestBytes = Buffer.from(opened.manifestText, 'utf8');
  const sig = await checkSignature(root, manifestBytes, keys);
  appendAll(problems, sig.problems);
  appendAll(warnings, signatureWarnings(sig));
  const requireTrusted = opts.requireTrusted ?? (opts.keys?.length ?? 0) > 0;
  if (requireTrusted && (sig.status === 'untrusted' || sig.status === 'unsigned')) {
    problems.push({
      code: 'signature_untrusted',
      path: DSSE_ENVELOPE_PATH,
      message:
        sig.status === 'unsigned'
          ? `a trusted signature was required but the bundle has no ${DSSE_ENVELOPE_PATH}`
          : `a trusted signature was required but the bundle is signed by ${sig.keyid ?? 'an unknown key'}, which is not among the given keys`,
    });
  }

  return {
    ok: problems.length === 0,
    bundle: { id: manifest.incident.id, title: manifest.incident.title },
    signature: { status: sig.status, ...(sig.keyid ? { keyid: sig.keyid } : {}) },
    files: { checked: manifest.files.length, failed: failed.size, ...(opts.digestCache ? { reused: opts.digestCache.reused } : {}) },
    problems,
    warnings,
  };
}
