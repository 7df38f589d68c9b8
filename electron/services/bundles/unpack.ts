/**
 * Unpacks a bundle archive (.tar, .tar.gz, .tgz) into a folder that only we can read, with
 * node-tar. Every entry is checked before a byte of it is written: only regular files and
 * directories with canonical relative paths are accepted; links, devices, FIFOs, absolute
 * paths and '..' are refused, and entry count and total size are capped. The first refusal
 * aborts the whole unpack, and the caller removes the folder: a refused archive leaves nothing.
 */
import { createReadStream } from 'node:fs';
import { Unpack, type ReadEntry } from 'tar';
import { explainUnsafePath } from '../../../shared/bundle/paths';
import type { BundleProblem } from '../../../shared/bundle/problems';
import type { UnpackLimits } from './limits';

const ACCEPTED_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

const TYPE_NAMES: Record<string, string> = {
  SymbolicLink: 'symbolic link',
  Link: 'hard link',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

export class ArchiveRefused extends Error {
  constructor(readonly problem: BundleProblem) {
    super(problem.message);
  }
}

/** Tar entry names as archivers write them ("./a", "dir/") -> our canonical form ("a", "dir"). */
export function canonicalEntryPath(raw: string): string {
  let p = raw;
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '.') p = '';
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export interface UnpackStats {
  entries: number;
  bytes: number;
}

/**
 * Unpack `archive` into the existing empty folder `dest`. Throws ArchiveRefused with the
 * problem (unsafe_archive / archive_limit / corrupt_archive). Does not clean up: the caller
 * owns `dest` and removes it on failure.
 */
export async function unpackArchive(archive: string, archiveLabel: string, dest: string, limits: UnpackLimits): Promise<UnpackStats> {
  let refusal: BundleProblem | undefined;
  let entries = 0;
  let bytes = 0;

  const refuse = (problem: BundleProblem) => {
    refusal ??= problem;
    unpack.abort(new ArchiveRefused(problem));
    return false;
  };

  const filter = (_path: string, e: unknown): boolean => {
    if (refusal) return false;
    const entry = e as ReadEntry;
    const raw = String(entry.path);
    entries++;
    if (entries > limits.maxEntries) {
      return refuse({
        code: 'archive_limit',
        path: archiveLabel,
        message: `archive has more than ${limits.maxEntries} entries (raise with --max-entries or bundles.maxEntries in settings.json)`,
      });
    }
    const type = String(entry.type);
    const rel = canonicalEntryPath(raw);
    if (!ACCEPTED_FILE_TYPES.has(type) && type !== 'Directory') {
      const what = TYPE_NAMES[type] ?? `entry of type ${type}`;
      const target = entry.linkpath ? ` -> "${entry.linkpath}"` : '';
      return refuse({
        code: 'unsafe_archive',
        path: rel || raw,
        message: `archive entry "${raw}" is a ${what}${target}; bundles may contain only regular files and folders`,
      });
    }
    if (rel === '' && type === 'Directory') return false; // the "./" entry: the root itself
    const why = explainUnsafePath(rel);
    if (why) {
      return refuse({
        code: 'unsafe_archive',
        path: raw,
        message: `archive entry "${raw}" refused: ${why}; entries must stay inside the bundle`,
      });
    }
    if (ACCEPTED_FILE_TYPES.has(type)) {
      bytes += entry.size ?? 0;
      if (bytes > limits.maxUnpackedBytes) {
        return refuse({
          code: 'archive_limit',
          path: archiveLabel,
          message: `archive unpacks to more than ${limits.maxUnpackedBytes} bytes (raise with --max-bytes or bundles.maxUnpackedBytes in settings.json)`,
        });
      }
    }
    // Written with our canonical name and owner-only permissions (no setuid, no group/world access).
    entry.path = rel;
    entry.mode = type === 'Directory' ? 0o700 : 0o600;
    return true;
  };

  const unpack = new Unpack({
    cwd: dest,
    strict: true,
    filter,
    preservePaths: false,
    preserveOwner: false,
    noMtime: true,
    maxDepth: 256,
  });

  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(archive);
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      input.destroy();
      reject(err);
    };
    input.on('error', fail);
    unpack.on('error', fail);
    unpack.on('close', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    input.pipe(unpack as unknown as NodeJS.WritableStream);
  }).catch((err: unknown) => {
    if (refusal) throw new ArchiveRefused(refusal);
    throw new ArchiveRefused(corruptProblem(err, archiveLabel));
  });
  if (refusal) throw new ArchiveRefused(refusal);
  return { entries, bytes };
}

function corruptProblem(err: unknown, archiveLabel: string): BundleProblem {
  const e = err as Error & { tarCode?: string; code?: string };
  const detail = e.message || String(err);
  if (/decompression ratio/i.test(detail)) {
    return { code: 'archive_limit', path: archiveLabel, message: `archive refused: ${detail} (looks like a compression bomb)` };
  }
  return { code: 'corrupt_archive', path: archiveLabel, message: `archive cannot be read: ${detail}` };
}
