/**
 * Files in folders the user (or a session) owns, as the traces and logs readers list them: only
 * regular files (a link could point anywhere on this machine), an absent folder being empty.
 * A bundle's own folders go through bundles/bundle-path.ts instead.
 */
import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors';

/** Regular files of `dir` whose names match `pattern`, with their sizes, sorted by name. */
export async function listRegularFiles(dir: string, pattern: RegExp): Promise<Array<{ name: string; bytes: number }>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Array<{ name: string; bytes: number }> = [];
  for (const e of entries) {
    if (!e.isFile() || !pattern.test(e.name)) continue;
    out.push({ name: e.name, bytes: (await lstat(join(dir, e.name))).size });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What the user named on the command line, or a clear "not found". */
export async function statUserPath(path: string): Promise<Stats> {
  try {
    return await lstat(path);
  } catch {
    throw new WorkbenchError('not_found', `no file or folder at ${path}`);
  }
}
