/**
 * Lists what is actually in a bundle folder without following links. Anything that is not a
 * regular file or a folder (a symlink could point at ~/.ssh) is reported, never read.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleProblem } from '../../../shared/bundle/problems';

export interface BundleTree {
  /** Regular files by bundle-relative path ('/'-separated) -> size in bytes. */
  files: Map<string, number>;
  /** Symlinks, sockets, devices... found in the tree. */
  unsafe: BundleProblem[];
}

const MAX_DEPTH = 64;

export async function walkBundle(root: string): Promise<BundleTree> {
  const files = new Map<string, number>();
  const unsafe: BundleProblem[] = [];
  const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      unsafe.push({ code: 'unsafe_path', path: rel, message: `${rel}: folders nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      const abs = join(dir, d.name);
      if (d.isDirectory()) await visit(abs, childRel, depth + 1);
      else if (d.isFile()) files.set(childRel, (await lstat(abs)).size);
      else {
        const what = d.isSymbolicLink() ? 'a symbolic link' : d.isFIFO() ? 'a FIFO' : d.isSocket() ? 'a socket' : 'a device file';
        unsafe.push({ code: 'unsafe_path', path: childRel, message: `${childRel} is ${what}; a bundle may contain only regular files and folders` });
      }
    }
  };
  await visit(root, '', 0);
  return { files, unsafe };
}
