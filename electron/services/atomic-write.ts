import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replace a file so that a crash at any moment (kill -9, power loss) leaves either the old or
 * the new content, never a truncated or empty file: write a temp file in the same folder (same
 * filesystem, so rename is atomic), fsync it, rename it over the target, then fsync the folder so
 * the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
  await atomically(path, opts.mode, (handle) => handle.writeFile(data));
}

/**
 * The same for a file written piece by piece as `chunks` come (a big report): memory stays
 * bounded by the buffer, never by the file, and no single giant string is ever built.
 */
export async function writeFileAtomicChunks(path: string, chunks: Iterable<string> | AsyncIterable<string>, opts: { mode?: number } = {}): Promise<void> {
  await atomically(path, opts.mode, async (handle) => {
    let buffered: string[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      buffered.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) {
        await handle.writeFile(buffered.join('')); // writes at the current position, every byte
        buffered = [];
        size = 0;
      }
    }
    if (buffered.length) await handle.writeFile(buffered.join(''));
  });
}

async function atomically(path: string, mode: number | undefined, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path)));
  const handle = await open(tmp, 'wx', mode ?? 0o644);
  try {
    try {
      await fill(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** The same, synchronously: for state that must be on disk before the next line runs (session ownership). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path)));
  try {
    const fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
    try {
      writeFileSync(fd, data); // loops until every byte is written
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // directory fsync is not supported everywhere (Windows); the rename is still atomic
  }
}

function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Whether `name` is one of our temp files, and the pid that wrote it. */
export function parseTempName(name: string): { target: string; pid: number } | null {
  const m = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name);
  return m ? { target: m[1]!, pid: Number(m[2]) } : null;
}

/**
 * Temp files left in `dir` by a writer that was killed mid-save: remove those whose process is
 * gone. (A live writer's temp file is about to be renamed; leave it alone.)
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const parsed = parseTempName(name);
    if (!parsed || parsed.pid === process.pid || isAlive(parsed.pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}
