/**
 * `repro pack`: a bundle folder -> .tgz that is the same bytes every time: entries sorted by
 * path, regular files only, fixed mtime, uid/gid 0, no user/group names, mode 0644 (dirs are
 * implied), and a gzip header without timestamp or OS byte (node-tar's `portable`).
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { create as tarCreate, type WriteEntry } from 'tar';
import type { BundleProblem } from '../../../shared/bundle/problems';
import { bundleInvalid } from './open';
import { walkBundle } from './walk';

/** 2000-01-01T00:00:00Z: any fixed instant works; this one is obviously not a real mtime. */
export const PACK_MTIME = new Date(Date.UTC(2000, 0, 1));
const FILE_MODE = 0o644;

export async function packBundle(root: string, outFile: string): Promise<{ entries: number; bytes: number }> {
  const tree = await walkBundle(root);
  const problems: BundleProblem[] = [...tree.unsafe];
  if (!tree.files.has('bundle.json')) problems.push({ code: 'parse', path: 'bundle.json', message: 'bundle.json not found at the top of the folder' });
  if (problems.length > 0) throw bundleInvalid(problems, root);
  // Byte order, not locale order: the same on every machine.
  const paths = [...tree.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tmp = `${outFile}.tmp-${process.pid}`;
  try {
    await pipeline(
      tarCreate(
        {
          cwd: root,
          gzip: { level: 9 },
          portable: true,
          mtime: PACK_MTIME,
          noDirRecurse: true,
          strict: true,
          onWriteEntry: (entry: WriteEntry) => {
            // Mode comes from stat; pin it so permissions on the packing machine do not leak in.
            if (entry.stat) entry.stat.mode = (entry.stat.mode & ~0o7777) | FILE_MODE;
          },
        },
        paths,
      ),
      createWriteStream(tmp),
    );
    await rename(tmp, outFile);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { entries: paths.length, bytes: [...tree.files.values()].reduce((a, b) => a + b, 0) };
}
