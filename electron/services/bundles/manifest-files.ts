/**
 * `repro manifest <folder>`: recompute bundle.json's `files` from what is in the folder, so a
 * bundle author never writes digests by hand. Everything else in bundle.json is kept as written
 * (key order included); the result must still be a valid manifest or nothing is written.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { FileEntry } from '../../../shared/bundle/manifest';
import { isExemptFromListing } from '../../../shared/bundle/paths';
import { parseManifest } from '../../../shared/bundle/validate';
import { sha256File } from './hash';
import { bundleInvalid } from './open';
import { walkBundle } from './walk';

export async function computeFileList(root: string): Promise<FileEntry[]> {
  const tree = await walkBundle(root);
  if (tree.unsafe.length > 0) throw bundleInvalid(tree.unsafe, root);
  const out: FileEntry[] = [];
  const paths = [...tree.files.keys()].filter((p) => !isExemptFromListing(p)).sort();
  for (const path of paths) {
    const { sha256, size } = await sha256File(join(root, path));
    out.push({ path, sha256, size });
  }
  return out;
}

export interface ManifestUpdate {
  files: FileEntry[];
  added: string[];
  removed: string[];
  changed: string[];
  /** bundle.json changed, so an existing signature no longer matches. */
  written: boolean;
}

export async function updateManifestFiles(root: string, opts: { dryRun?: boolean } = {}): Promise<ManifestUpdate> {
  const manifestPath = join(root, 'bundle.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new WorkbenchError('not_found', `${manifestPath} not found`);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    const parsed = parseManifest(text); // gives the line/column message
    throw bundleInvalid(parsed.problems, root);
  }
  const files = await computeFileList(root);
  const before = new Map(((Array.isArray(data.files) ? data.files : []) as FileEntry[]).map((f) => [f.path, f]));
  const after = new Map(files.map((f) => [f.path, f]));
  const added = files.filter((f) => !before.has(f.path)).map((f) => f.path);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const changed = files.filter((f) => before.has(f.path) && (before.get(f.path)!.sha256 !== f.sha256 || before.get(f.path)!.size !== f.size)).map((f) => f.path);

  const next = { ...data, files };
  const nextText = JSON.stringify(next, null, 2) + '\n';
  const check = parseManifest(nextText);
  if (!check.ok) throw bundleInvalid(check.problems, root);
  const written = nextText !== text && !opts.dryRun;
  if (written) {
    const tmp = `${manifestPath}.tmp-${process.pid}`;
    await writeFile(tmp, nextText);
    await rename(tmp, manifestPath);
  }
  return { files, added, removed, changed, written };
}
