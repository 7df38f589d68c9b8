/**
 * Serves trace files to the UI in chunks: lists a source's *.json files and reads byte ranges,
 * cutting each chunk at a UTF-8 character boundary so every chunk decodes on its own.
 */
import { lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { TraceChunk, TraceFileInfo, TraceSource } from '../../../shared/api/methods/traces';
import { listBundleFolder, openBundleFile } from '../bundles/bundle-path';
import { getOpenBundle } from '../open-bundles';
import { sessionsRoot } from '../environments/session-info';
import { SESSION_NAME_PATTERN, SessionStore, sessionDirOf } from '../environments/state-store';
import type { Workbench } from '../workbench';
import { listRegularFiles } from '../user-files';

const TRACE_FILE = /\.(json|jsonl)$/i;

/** A session's OTLP receiver output (the workbench's own folder, not a bundle's). */
export function sessionOtlpFolder(wb: Workbench, session: string): string {
  return join(sessionDirOf(sessionsRoot(wb.stateDir), session), 'otlp');
}

/**
 * What `repro traces X` reads: X itself when it is a path, else the OTLP folder of the session
 * named X (an error that says both when it is neither).
 */
export async function sessionTraceFolder(wb: Workbench, target: string): Promise<string> {
  if (await lstat(target).then(() => true, () => false)) return target;
  if (!SESSION_NAME_PATTERN.test(target) || !new SessionStore(sessionsRoot(wb.stateDir)).read(target)) {
    throw new WorkbenchError('not_found', `no file or folder at ${target}, and no session named "${target}" (see repro status)`);
  }
  const dir = sessionOtlpFolder(wb, target);
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function listTraceFiles(wb: Workbench, source: TraceSource): Promise<TraceFileInfo[]> {
  // A bundle's traces/ goes through the bundle path checks: neither it nor a file in it may be a link.
  if (source.kind === 'bundle') return listBundleFolder(getOpenBundle(wb, source.handle).root, 'traces', TRACE_FILE);
  return listRegularFiles(sessionOtlpFolder(wb, source.name), TRACE_FILE);
}

/** Length of buf[0..n) cut back so it does not end inside a UTF-8 sequence. */
export function utf8Boundary(buf: Uint8Array, n: number): number {
  let end = n;
  // Step back over continuation bytes (10xxxxxx) to the lead byte, then check the sequence fits.
  let k = end - 1;
  let cont = 0;
  while (k >= 0 && (buf[k]! & 0xc0) === 0x80 && cont < 3) {
    k--;
    cont++;
  }
  if (k < 0) return end;
  const lead = buf[k]!;
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (need > cont) end = k;
  return end;
}

export async function readTraceChunk(wb: Workbench, source: TraceSource, name: string, offset: number, maxBytes: number): Promise<TraceChunk> {
  const files = await listTraceFiles(wb, source);
  const info = files.find((f) => f.name === name);
  if (!info) throw new WorkbenchError('not_found', `No trace file ${name} in this ${source.kind}`);
  const { handle, size } = await openTraceFile(wb, source, name);
  try {
    if (offset > size) throw new WorkbenchError('invalid_argument', `offset ${offset} is beyond the end of ${name} (${size} bytes)`);
    const buf = new Uint8Array(Math.min(maxBytes, size - offset));
    const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
    const eof = offset + bytesRead >= size;
    const end = eof ? bytesRead : utf8Boundary(buf, bytesRead);
    return { text: new TextDecoder().decode(buf.subarray(0, end)), nextOffset: offset + end, eof, totalBytes: size };
  } finally {
    await handle.close();
  }
}

async function openTraceFile(wb: Workbench, source: TraceSource, name: string): Promise<{ handle: FileHandle; size: number }> {
  if (source.kind === 'bundle') return openBundleFile(getOpenBundle(wb, source.handle).root, `traces/${name}`);
  const file = join(sessionOtlpFolder(wb, source.name), name);
  const st = await lstat(file);
  if (!st.isFile()) throw new WorkbenchError('invalid_argument', `${name} is not a regular file`);
  return { handle: await open(file, 'r'), size: st.size };
}
