/**
 * The one way to reach a file inside a bundle folder. A bundle may be hostile: any file or
 * folder in it may be a symbolic link to ~/.ssh, /etc or /dev/zero. Every reader of bundle
 * files (traces, runbook, metrics, HAR, image archives, snapshots, signatures) goes through
 * these helpers, which
 *  - accept only a canonical bundle path (relative, '/'-separated, no '.', '..' or empty
 *    segments: shared/bundle/paths.ts),
 *  - walk it from the bundle root one segment at a time with lstat, refusing any segment that
 *    is a link (or anything but a folder on the way and a regular file at the end),
 *  - open the final file with O_NOFOLLOW and check the opened descriptor again, so a link
 *    swapped in between the check and the open is not followed either,
 *  - and bound how much is read when the caller says how much it expects.
 * The root itself is the user's choice (it may be reached through a link); nothing below it is.
 */
import { constants, fstatSync, lstatSync, openSync, readSync, closeSync, type ReadStream } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { explainUnsafePath } from '../../../shared/bundle/paths';

/** Upper bound for bundle.json itself; a manifest is metadata, not data. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export type BundlePathProblem = 'missing' | 'unsafe' | 'not_file' | 'not_folder' | 'too_large';

/** Why a bundle path cannot be read; `reason` lets callers treat a missing optional file as absent. */
export class BundlePathError extends WorkbenchError {
  override name = 'BundlePathError';
  constructor(
    readonly reason: BundlePathProblem,
    readonly bundlePath: string,
    message: string,
  ) {
    super(reason === 'missing' ? 'not_found' : 'bundle_invalid', message, { path: bundlePath, reason });
  }
}

/** O_NOFOLLOW where the platform has it (not on Windows, where the lstat walk still applies). */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function checkSyntax(rel: string): void {
  const why = explainUnsafePath(rel);
  if (why) throw new BundlePathError('unsafe', rel, `${rel}: ${why}; bundle paths stay inside the bundle`);
}

type StatLike = { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean; size: number };

function describe(st: StatLike): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFile()) return 'a regular file';
  return 'not a regular file (device, FIFO or socket)';
}

function judge(rel: string, prefix: string, st: StatLike | undefined, last: boolean, want: 'file' | 'folder'): void {
  if (!st) throw new BundlePathError('missing', rel, `${rel} is not in the bundle${prefix !== rel ? ` (${prefix} is missing)` : ''}`);
  if (st.isSymbolicLink()) throw new BundlePathError('unsafe', rel, `${prefix} is a symbolic link; links in a bundle are never followed`);
  if (!last && !st.isDirectory()) throw new BundlePathError('not_folder', rel, `${prefix} is ${describe(st)}, not a folder`);
  if (last && want === 'file' && !st.isFile()) throw new BundlePathError('not_file', rel, `${rel} is ${describe(st)}; a bundle may hold only regular files and folders`);
  if (last && want === 'folder' && !st.isDirectory()) throw new BundlePathError('not_folder', rel, `${rel} is ${describe(st)}, not a folder`);
}

const missing = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw err;
};

/**
 * The absolute path of `rel` under `root`, after checking that no segment of it is a link and
 * that it is a regular file (`want: 'file'`, the default) or a folder. Throws BundlePathError.
 */
export async function resolveBundlePath(root: string, rel: string, want: 'file' | 'folder' = 'file'): Promise<string> {
  checkSyntax(rel);
  const segments = rel.split('/');
  let abs = root;
  for (let i = 0; i < segments.length; i++) {
    abs = join(abs, segments[i]!);
    const st = await lstat(abs).catch(missing);
    judge(rel, segments.slice(0, i + 1).join('/'), st, i === segments.length - 1, want);
  }
  return abs;
}

/** Synchronous twin of resolveBundlePath, for the few synchronous readers. */
export function resolveBundlePathSync(root: string, rel: string, want: 'file' | 'folder' = 'file'): string {
  checkSyntax(rel);
  const segments = rel.split('/');
  let abs = root;
  for (let i = 0; i < segments.length; i++) {
    abs = join(abs, segments[i]!);
    let st: StatLike | undefined;
    try {
      st = lstatSync(abs);
    } catch (err) {
      st = missing(err);
    }
    judge(rel, segments.slice(0, i + 1).join('/'), st, i === segments.length - 1, want);
  }
  return abs;
}

/** Whether `rel` is a readable regular file of the bundle; unsafe entries throw, absent ones are false. */
export async function bundleFileExists(root: string, rel: string): Promise<boolean> {
  try {
    await resolveBundlePath(root, rel);
    return true;
  } catch (err) {
    if (err instanceof BundlePathError && err.reason === 'missing') return false;
    throw err;
  }
}

function tooLarge(rel: string, size: number, maxBytes: number): BundlePathError {
  return new BundlePathError('too_large', rel, `${rel} is ${size} bytes; at most ${maxBytes} are read`);
}

/**
 * Open a bundle file for reading: checked path, O_NOFOLLOW, and the opened descriptor must be a
 * regular file (no more than maxBytes when given). The caller closes the handle.
 */
export async function openBundleFile(root: string, rel: string, opts: { maxBytes?: number } = {}): Promise<{ handle: FileHandle; size: number }> {
  const abs = await resolveBundlePath(root, rel);
  let handle: FileHandle;
  try {
    handle = await open(abs, constants.O_RDONLY | NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new BundlePathError('unsafe', rel, `${rel} became a symbolic link; not followed`);
    if (missing(err) === undefined) throw new BundlePathError('missing', rel, `${rel} is not in the bundle`);
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new BundlePathError('not_file', rel, `${rel} is not a regular file`);
    if (opts.maxBytes !== undefined && st.size > opts.maxBytes) throw tooLarge(rel, st.size, opts.maxBytes);
    return { handle, size: st.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A bundle file's bytes (or text with `encoding: 'utf8'`), refusing links and anything over maxBytes. */
export async function readBundleFile(root: string, rel: string, opts: { maxBytes?: number; encoding: 'utf8' }): Promise<string>;
export async function readBundleFile(root: string, rel: string, opts?: { maxBytes?: number }): Promise<Buffer>;
export async function readBundleFile(root: string, rel: string, opts: { maxBytes?: number; encoding?: 'utf8' } = {}): Promise<Buffer | string> {
  const { handle } = await openBundleFile(root, rel, opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {});
  try {
    const bytes = await handle.readFile();
    // The file may have grown since the check: what was read is still bounded.
    if (opts.maxBytes !== undefined && bytes.length > opts.maxBytes) throw tooLarge(rel, bytes.length, opts.maxBytes);
    return opts.encoding ? bytes.toString(opts.encoding) : bytes;
  } finally {
    await handle.close();
  }
}

/** Synchronous readBundleFile (text), for synchronous callers such as the canary importer. */
export function readBundleFileSync(root: string, rel: string, opts: { maxBytes?: number } = {}): string {
  const abs = resolveBundlePathSync(root, rel);
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new BundlePathError('unsafe', rel, `${rel} became a symbolic link; not followed`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BundlePathError('not_file', rel, `${rel} is not a regular file`);
    if (opts.maxBytes !== undefined && st.size > opts.maxBytes) throw tooLarge(rel, st.size, opts.maxBytes);
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * A read stream over a bundle file (image archives, snapshots) on an already-checked
 * descriptor, plus its size. The stream closes the descriptor when it ends or is destroyed.
 */
export async function bundleFileStream(root: string, rel: string): Promise<{ stream: ReadStream; size: number }> {
  const { handle, size } = await openBundleFile(root, rel);
  return { stream: handle.createReadStream({ autoClose: true }), size };
}

export interface BundleFolderEntry {
  /** File name within the folder. */
  name: string;
  bytes: number;
}

/**
 * The regular files directly in a bundle folder (none when the folder is absent), optionally
 * only names matching `pattern`. Links and other non-files in it are left out, never followed.
 */
export async function listBundleFolder(root: string, rel: string, pattern?: RegExp): Promise<BundleFolderEntry[]> {
  let dir: string;
  try {
    dir = await resolveBundlePath(root, rel, 'folder');
  } catch (err) {
    if (err instanceof BundlePathError && err.reason === 'missing') return [];
    throw err;
  }
  const out: BundleFolderEntry[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (!d.isFile() || (pattern && !pattern.test(d.name))) continue;
    const st = await lstat(join(dir, d.name)).catch(missing);
    if (st?.isFile()) out.push({ name: d.name, bytes: st.size });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
