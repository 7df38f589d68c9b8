/**
 * Where trace files come from on disk: a bundle folder (its traces/*.json), a packed bundle
 * (.tar/.tgz, unpacked by the bundle opener), a folder of OTLP/JSON files such as the one a
 * session's OTLP receiver writes, or one .json file. Only regular files are read (no links).
 */
import { constants } from 'node:buffer';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { listBundleFolder, openBundleFile } from '../bundles/bundle-path';
import { isArchiveName, openBundle } from '../bundles/open';
import { statUserPath } from '../user-files';

export interface TraceFile {
  /** Path relative to what the user gave (e.g. traces/checkout.json), for messages. */
  name: string;
  /** The file's content (importTraceBytes scans OTLP straight from it). */
  bytes: Buffer;
}

export interface TraceFiles {
  files: TraceFile[];
  /** Where they were found, for messages. */
  source: string;
  /** Removes an unpacked archive's folder; no-op otherwise. */
  dispose(): Promise<void>;
}

/** fs.readFile reads at most 2 GiB into one Buffer; say so instead of crashing. */
export const MAX_TRACE_FILE_BYTES = Math.min(constants.MAX_LENGTH, 2 ** 31 - 1);

export interface ReadOptions {
  onFile?: (done: number, total: number, name: string, bytes: number) => void;
}

function checkTraceFileSize(name: string, size: number): void {
  if (size > MAX_TRACE_FILE_BYTES) throw new WorkbenchError('invalid_argument', `${name} is ${size} bytes; one trace file can be at most ${MAX_TRACE_FILE_BYTES} bytes (split it)`);
}

async function readJsonFiles(dir: string, prefix: string, opts: ReadOptions): Promise<TraceFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && /\.(json|jsonl)$/i.test(d.name))
    .map((d) => d.name)
    .sort();
  const out: TraceFile[] = [];
  for (const [i, name] of entries.entries()) {
    out.push(await readOne(join(dir, name), prefix + name));
    opts.onFile?.(i + 1, entries.length, prefix + name, out[out.length - 1]!.bytes.length);
  }
  return out;
}

async function readOne(path: string, name: string): Promise<TraceFile> {
  const st = await lstat(path);
  if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${name} is not a regular file`);
  checkTraceFileSize(name, st.size);
  return { name, bytes: await readFile(path) };
}

/** A bundle's traces/*.json(l), through the bundle path checks (no links, anywhere on the way). */
async function readBundleTraces(root: string, opts: ReadOptions): Promise<TraceFile[]> {
  const entries = await listBundleFolder(root, 'traces', /\.(json|jsonl)$/i);
  const out: TraceFile[] = [];
  for (const [i, { name }] of entries.entries()) {
    const { handle, size } = await openBundleFile(root, `traces/${name}`);
    try {
      checkTraceFileSize(`traces/${name}`, size);
      out.push({ name: `traces/${name}`, bytes: await handle.readFile() });
    } finally {
      await handle.close();
    }
    opts.onFile?.(i + 1, entries.length, `traces/${name}`, size);
  }
  return out;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function readTraceFiles(path: string, opts: ReadOptions = {}): Promise<TraceFiles> {
  const st = await statUserPath(path);
  const none = async () => {};
  if (st.isDirectory()) {
    // A bundle folder (it has bundle.json) may be hostile: its traces/ is read with the bundle checks.
    if (await isFile(join(path, 'bundle.json'))) return { files: await readBundleTraces(path, opts), source: path, dispose: none };
    if (await isDir(join(path, 'traces'))) {
      return { files: await readJsonFiles(join(path, 'traces'), 'traces/', opts), source: path, dispose: none };
    }
    return { files: await readJsonFiles(path, '', opts), source: path, dispose: none };
  }
  if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${path} is neither a file nor a folder`);
  if (isArchiveName(path)) {
    const bundle = await openBundle(path);
    try {
      return { files: await readBundleTraces(bundle.root, opts), source: path, dispose: () => bundle.dispose() };
    } catch (err) {
      await bundle.dispose();
      throw err;
    }
  }
  const file = await readOne(path, basename(path));
  opts.onFile?.(1, 1, file.name, file.bytes.length);
  return { files: [file], source: path, dispose: none };
}
