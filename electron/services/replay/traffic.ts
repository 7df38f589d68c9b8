/**
 * Reading a bundle's HAR files (traffic/ for replay, fixtures/ for the fixtures stub), always
 * inside the bundle root and never through a link (bundle-path.ts).
 *
 * Integrity: the manifest pins every file's digest, and `up` verified them, but the folder stays
 * writable while a session runs. So each HAR (and each body file beside it, Playwright's attach
 * mode) is hashed again as it is read, and a file that changed since bundle.json was written, or
 * that bundle.json does not list, is refused with the file and the reason: what is replayed is
 * what the manifest vouches for. Hashing costs one pass over bytes that are read anyway.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleManifest, FileEntry } from '../../../shared/bundle/manifest';
import { BundlePathError, listBundleFolder, readBundleFile } from '../bundles/bundle-path';
import { appendAll } from '../../../shared/array';
import { harAttachmentNames, HarParseError, orderEntries, readHarDocument, readHarJson, type HarEntry, type SkippedEntry } from '../../../shared/replay/har';

export type HarFolder = 'traffic' | 'fixtures';

export function listedHarFiles(manifest: BundleManifest, folder: HarFolder): string[] {
  return manifest.files
    .map((f) => f.path)
    .filter((p) => p.startsWith(`${folder}/`) && p.endsWith('.har') && !p.slice(folder.length + 1).includes('/'))
    .sort();
}

export interface LoadedHarFiles {
  /** The HAR files read, in path order. */
  files: string[];
  /** Entries per file, in file order. */
  perFile: HarEntry[][];
  /** Entries that failed when recorded (no answer), left out. */
  skipped: SkippedEntry[];
}

export interface HarIntegrityProblem {
  code: 'unlisted_file' | 'digest_mismatch' | 'missing_file' | 'not_a_file' | 'har_invalid';
  path: string;
  message: string;
}

/** `.har` files that are really in the folder (top level only, as replay reads them; links left out). */
async function harFilesPresent(root: string, folder: HarFolder, problems: HarIntegrityProblem[]): Promise<string[]> {
  try {
    return (await listBundleFolder(root, folder, /\.har$/i)).map((f) => `${folder}/${f.name}`);
  } catch (err) {
    if (!(err instanceof BundlePathError)) throw err;
    problems.push({ code: 'not_a_file', path: folder, message: err.message });
    return [];
  }
}

/** Read a listed bundle file and check it is what the manifest says. undefined (and a problem) when not. */
async function readPinned(root: string, path: string, pinned: FileEntry | undefined, problems: HarIntegrityProblem[], what: string): Promise<Buffer | undefined> {
  if (!pinned) {
    problems.push({ code: 'unlisted_file', path, message: `${path}: not listed in bundle.json, so nothing vouches for it; refusing ${what}. Add it with repro traffic add (or run repro manifest)` });
    return undefined;
  }
  let bytes: Buffer;
  try {
    // The manifest says how big it is: read no more than that (and one byte to see it grew).
    bytes = await readBundleFile(root, path, { maxBytes: pinned.size + 1 });
  } catch (err) {
    if (!(err instanceof BundlePathError)) throw err;
    problems.push({
      code: err.reason === 'missing' ? 'missing_file' : err.reason === 'too_large' ? 'digest_mismatch' : 'not_a_file',
      path,
      message: err.reason === 'missing' ? `${path}: listed in bundle.json but not in the bundle` : err.reason === 'too_large' ? `${path}: changed since bundle.json was written (larger than the ${pinned.size} bytes it says); refusing ${what}` : `${err.message}; refusing ${what}`,
    });
    return undefined;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== pinned.size || sha256 !== pinned.sha256) {
    problems.push({
      code: 'digest_mismatch',
      path,
      message: `${path}: changed since bundle.json was written (${bytes.length !== pinned.size ? `${bytes.length} bytes, bundle.json says ${pinned.size}` : `sha256 ${sha256.slice(0, 12)}…, bundle.json says ${pinned.sha256.slice(0, 12)}…`}); refusing ${what}. If the change is meant, run repro manifest (and re-sign)`,
    });
    return undefined;
  }
  return bytes;
}

/**
 * Read every HAR of a folder that the manifest lists, each checked against its digest, with any
 * body files beside it. Throws `bundle_invalid` naming every file that is changed, unlisted,
 * missing or not a HAR, and why.
 */
export async function loadHarFolder(bundleRoot: string, manifest: BundleManifest, folder: HarFolder): Promise<LoadedHarFiles> {
  const root = resolve(bundleRoot);
  const problems: HarIntegrityProblem[] = [];
  const pinned = new Map(manifest.files.map((f) => [f.path, f]));
  const listed = listedHarFiles(manifest, folder);
  const present = await harFilesPresent(root, folder, problems);
  const files = [...new Set([...listed, ...present])].sort();
  const perFile: HarEntry[][] = [];
  const skipped: SkippedEntry[] = [];
  for (const file of files) {
    const bytes = await readPinned(root, file, pinned.get(file), problems, 'to replay it');
    if (!bytes) continue;
    try {
      const doc = readHarJson(bytes.toString('utf8'), file);
      const attachments = new Map<string, Uint8Array>();
      for (const name of harAttachmentNames(doc)) {
        if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') continue; // the reader names it
        const body = await readPinned(root, `${folder}/${name}`, pinned.get(`${folder}/${name}`), problems, `the body file of ${file}`);
        // A refused body file is already a problem; an empty stand-in keeps the reader from saying it is missing.
        attachments.set(name, body ?? new Uint8Array(0));
      }
      const parsed = readHarDocument(doc, file, { attachment: (name) => attachments.get(name) });
      perFile.push(parsed.entries);
      appendAll(skipped, parsed.skipped);
    } catch (err) {
      if (!(err instanceof HarParseError)) throw err;
      for (const p of err.problems) problems.push({ code: 'har_invalid', path: p.file, message: `${p.file}: ${p.path}: ${p.message}` });
    }
  }
  if (problems.length) {
    throw new WorkbenchError('bundle_invalid', `cannot replay the bundle's ${folder}:\n${problems.map((p) => `  ${p.message}`).join('\n')}`, { problems });
  }
  return { files, perFile, skipped };
}

export interface LoadedTraffic {
  files: string[];
  /** Every traffic/*.har entry in startedDateTime order. */
  entries: HarEntry[];
  skipped: SkippedEntry[];
}

/** The replay source: every traffic/*.har entry in startedDateTime order, integrity checked. */
export async function loadTraffic(bundleRoot: string, manifest: BundleManifest): Promise<LoadedTraffic> {
  const loaded = await loadHarFolder(bundleRoot, manifest, 'traffic');
  return { files: loaded.files, entries: orderEntries(loaded.perFile), skipped: loaded.skipped };
}
