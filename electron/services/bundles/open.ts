/**
 * Opening a bundle: a folder is used in place; an archive is unpacked into a fresh private
 * folder. Then bundle.json is read and checked (syntax, strict schema, path rules).
 * Integrity (digests, images, signature) is verifyBundle's job; opening is cheap.
 */
import { lstat, mkdir, mkdtemp, open as openFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import type { BundleProblem } from '../../../shared/bundle/problems';
import { parseManifest } from '../../../shared/bundle/validate';
import { resolveLimits, type UnpackLimits } from './limits';
import { MAX_MANIFEST_BYTES } from './bundle-path';

export interface OpenedBundle {
  /** Folder on disk that holds bundle.json. */
  root: string;
  manifest: BundleManifest;
  /** The exact text of bundle.json (the DSSE payload must equal its bytes). */
  manifestText: string;
  /** What the user gave (path as typed). */
  source: string;
  /** True when `source` was an archive that we unpacked. */
  packed: boolean;
  /** Removes the unpacked folder (no-op for folder bundles). Safe to call twice. */
  dispose(): Promise<void>;
}

export interface OpenBundleOptions {
  limits?: Partial<UnpackLimits>;
  /** Parent for the unpack folder; default the OS temp dir. */
  workDir?: string;
  /** Folder holding settings.json (for limits); default configDir(). */
  settingsDir?: string;
  /** Archive bytes read so far (compressed), for a progress bar while a big archive unpacks. */
  onUnpackProgress?: (p: { done: number; total: number }) => void;
  /** Stops unpacking (the folder is removed and a `cancelled` error thrown). */
  signal?: AbortSignal;
}


export function bundleInvalid(problems: BundleProblem[], source: string): WorkbenchError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new WorkbenchError('bundle_invalid', `${source}: ${first ? first.message : 'invalid bundle'}${more}`, { problems });
}

export function isArchiveName(p: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(p);
}

export async function openBundle(path: string, opts: OpenBundleOptions = {}): Promise<OpenedBundle> {
  const abs = resolve(path);
  let st;
  try {
    // The path the user chose may be a link to their bundle; links *inside* a bundle are refused.
    st = await stat(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new WorkbenchError('not_found', `no bundle at ${path}`);
    throw err;
  }
  if (st.isDirectory()) {
    const { manifest, manifestText } = await readManifest(abs, path);
    return { root: abs, manifest, manifestText, source: path, packed: false, dispose: async () => {} };
  }
  if (!st.isFile()) {
    throw new WorkbenchError('invalid_argument', `${path} is neither a folder nor a .tar/.tar.gz/.tgz file`);
  }
  if (!isArchiveName(abs)) {
    throw new WorkbenchError('invalid_argument', `${path}: a bundle is a folder or a .tar, .tar.gz or .tgz archive`);
  }
  const limits = await resolveLimits(opts.limits, opts.settingsDir);
  const parent = opts.workDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  // mkdtemp creates the folder with mode 0700: private to this user.
  const dest = await mkdtemp(join(parent, 'repro-bundle-'));
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await rm(dest, { recursive: true, force: true });
  };
  // the archive reader (tar) loads only for an archive: a folder bundle, the common case, needs none of it
  const { ArchiveRefused, unpackArchive } = await import('./unpack');
  try {
    await unpackArchive(abs, path, dest, limits, opts.onUnpackProgress && throttle(opts.onUnpackProgress, st.size), opts.signal);
    const root = await findRoot(dest);
    const { manifest, manifestText } = await readManifest(root, path);
    return { root, manifest, manifestText, source: path, packed: true, dispose };
  } catch (err) {
    await dispose();
    if (err instanceof ArchiveRefused) throw bundleInvalid([err.problem], path);
    throw err;
  }
}

/** At most ~10 progress reports a second, plus the last one. */
function throttle(report: (p: { done: number; total: number }) => void, total: number): (done: number) => void {
  let last = 0;
  return (done) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    report({ done, total });
  };
}

/**
 * bundle.json at the top of the archive, or inside its one top-level folder
 * (`tar czf x.tgz incident/` is a common way to pack one by hand).
 */
async function findRoot(dest: string): Promise<string> {
  const top = await readdir(dest, { withFileTypes: true });
  if (top.some((d) => d.name === 'bundle.json')) return dest;
  if (top.length === 1 && top[0]!.isDirectory()) return join(dest, top[0]!.name);
  return dest;
}

async function readManifest(root: string, source: string): Promise<{ manifest: BundleManifest; manifestText: string }> {
  const file = join(root, 'bundle.json');
  let st;
  try {
    st = await lstat(file);
  } catch {
    throw bundleInvalid([{ code: 'parse', path: 'bundle.json', message: 'bundle.json not found at the top of the bundle' }], source);
  }
  if (!st.isFile()) {
    throw bundleInvalid([{ code: 'unsafe_path', path: 'bundle.json', message: 'bundle.json is not a regular file (links are refused)' }], source);
  }
  if (st.size > MAX_MANIFEST_BYTES) {
    throw bundleInvalid([{ code: 'parse', path: 'bundle.json', message: `bundle.json is ${st.size} bytes; at most ${MAX_MANIFEST_BYTES} expected` }], source);
  }
  const handle = await openFile(file, 'r');
  let bytes: Buffer;
  try {
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  let manifestText: string;
  try {
    manifestText = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bundleInvalid([{ code: 'parse', path: 'bundle.json', message: 'bundle.json is not valid UTF-8' }], source);
  }
  const result = parseManifest(manifestText.replace(/^\uFEFF/, ''));
  if (!result.ok) throw bundleInvalid(result.problems, source);
  return { manifest: result.manifest, manifestText };
}
