/**
 * Unpacks a bundle archive (.tar, .tar.gz, .tgz) into a folder that only we can read, with
 * node-tar's parser. Every entry is checked before a byte of it is written: only regular files and
 * directories with canonical relative paths are accepted; links, devices, FIFOs, absolute
 * paths and '..' are refused, and entry count and total size are capped. The first refusal
 * aborts the whole unpack, and the caller removes the folder: a refused archive leaves nothing.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { explainUnsafePath } from '../../../shared/bundle/paths';
import type { BundleProblem } from '../../../shared/bundle/problems';
import { cancelledError, throwIfCancelled } from '../abort';
import type { UnpackLimits } from './limits';
import { canonicalEntryPath } from './entry-path';

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

export interface UnpackStats {
  entries: number;
  bytes: number;
}

/**
 * Unpack `archive` into the existing empty folder `dest`. Throws ArchiveRefused with the
 * problem (unsafe_archive / archive_limit / corrupt_archive). Does not clean up: the caller
 * owns `dest` and removes it on failure.
 */
export async function unpackArchive(
  archive: string,
  archiveLabel: string,
  dest: string,
  limits: UnpackLimits,
  onBytesRead?: (done: number) => void,
  signal?: AbortSignal,
): Promise<UnpackStats> {
  let refusal: BundleProblem | undefined;
  let entries = 0;
  let bytes = 0;

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
    // Written under its canonical name, owner-only (0600/0700): no setuid, no group/world access.
    entry.path = rel;
    return true;
  };

  // node-tar parses and checks; the writing is ours, so that on a refusal we can stop every
  // in-flight write and know the folder is quiet before the caller removes it.
  const pending = new Set<Promise<void>>();
  const writers = new Set<WriteStream>();
  let stopped = false;
  let failure: unknown;
  const track = (p: Promise<void>) => {
    const settled = p.catch((err: unknown) => {
      failure ??= err;
      parser.abort(err instanceof Error ? err : new Error(String(err)));
    });
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  const parser = new Parser({
    strict: true,
    filter,
    onReadEntry: (entry: ReadEntry) => {
      if (refusal || failure) {
        entry.resume();
        return;
      }
      const abs = join(dest, entry.path);
      if (entry.type === 'Directory') {
        track(mkdir(abs, { recursive: true, mode: 0o700 }).then(() => undefined));
        entry.resume();
        return;
      }
      track(
        (async () => {
          await mkdir(dirname(abs), { recursive: true, mode: 0o700 });
          if (stopped) return; // the archive was refused or broke while we made the folder
          // 'wx': a second entry with the same name is refused rather than overwriting the first.
          const out = createWriteStream(abs, { flags: 'wx', mode: 0o600 });
          writers.add(out);
          await new Promise<void>((resolve, reject) => {
            out.on('error', (err: NodeJS.ErrnoException) => {
              entry.resume();
              reject(err.code === 'EEXIST' ? new DuplicateEntry(entry.path) : err);
            });
            out.on('close', () => resolve());
            entry.pipe(out);
          });
          writers.delete(out);
        })(),
      );
    },
  });

  const refuse = (problem: BundleProblem) => {
    refusal ??= problem;
    parser.abort(new ArchiveRefused(problem));
    return false;
  };

  let parseError: unknown;
  await new Promise<void>((resolve) => {
    const input = createReadStream(archive);
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err !== undefined) {
        parseError = err;
        input.destroy();
      }
      resolve();
    };
    let read = 0;
    if (onBytesRead) {
      input.on('data', (c) => {
        read += c.length;
        onBytesRead(read);
      });
    }
    input.on('error', done);
    parser.on('error', done);
    parser.on('end', () => done());
    const onAbort = () => {
      parser.abort(cancelledError('unpacking cancelled'));
      done(cancelledError('unpacking cancelled'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    void new Promise<void>((r) => input.once('close', r)).then(() => signal?.removeEventListener('abort', onAbort));
    if (!settled) input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  if (refusal || parseError !== undefined || failure !== undefined) {
    stopped = true;
    for (const w of writers) w.destroy();
  }
  await Promise.all([...pending]);
  throwIfCancelled(signal, 'unpacking cancelled');
  if (refusal) throw new ArchiveRefused(refusal);
  // A broken archive (truncated, corrupt) also breaks the entry being written when it stops:
  // the parser's error says what happened, the writer's only that its stream went away.
  const err = failure instanceof DuplicateEntry ? failure : (parseError ?? failure);
  if (err instanceof DuplicateEntry) {
    throw new ArchiveRefused({ code: 'unsafe_archive', path: err.entryPath, message: `archive has two entries named "${err.entryPath}"` });
  }
  if (err !== undefined) throw new ArchiveRefused(corruptProblem(err, archiveLabel));
  return { entries, bytes };
}

class DuplicateEntry extends Error {
  constructor(readonly entryPath: string) {
    super(`duplicate entry ${entryPath}`);
  }
}

function corruptProblem(err: unknown, archiveLabel: string): BundleProblem {
  const e = err as Error & { tarCode?: string; code?: string };
  const detail = e.message || String(err);
  if (/decompression ratio/i.test(detail)) {
    return { code: 'archive_limit', path: archiveLabel, message: `archive refused: ${detail} (looks like a compression bomb)` };
  }
  // The stream libraries' own words (zlib, node-tar codes) follow in parentheses; the sentence says what it means.
  const corrupt = (message: string): BundleProblem => ({ code: 'corrupt_archive', path: archiveLabel, message });
  const tarCode = e.tarCode ?? (/^TAR_/.test(e.code ?? '') ? e.code : undefined);
  const raw = detail.replace(/^TAR_[A-Z_]+: /, '');
  if (e.code === 'Z_BUF_ERROR' || /unexpected end|truncated input/i.test(detail)) {
    return corrupt('archive is truncated: it ends in the middle of its data (was it copied or downloaded completely?)');
  }
  if (/^Z_/.test(e.code ?? '') || /^zlib: /.test(detail)) {
    return corrupt(`archive is damaged: its gzip data does not decompress (${detail}); was it copied or downloaded completely, and not edited?`);
  }
  if (tarCode === 'TAR_BAD_ARCHIVE' && /unrecognized archive format/i.test(detail)) {
    return corrupt('archive is neither a tar nor a gzip-compressed tar (.tgz): its first bytes are no archive header');
  }
  if (tarCode === 'TAR_ENTRY_INVALID' || /checksum/i.test(detail)) {
    return corrupt(`archive is damaged or not a tar archive: an entry header is invalid (${raw})`);
  }
  return corrupt(`archive cannot be read: ${raw}`);
}
