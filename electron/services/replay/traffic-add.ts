/**
 * `repro traffic add` and the Replay pane's import: take a HAR as a browser, Playwright, a proxy
 * or an SDK wrote it and make it part of a bundle folder in one step:
 *  1. read it (a HAR replay can use: every problem named by entry and field);
 *  2. normalise: bodies Playwright kept in files beside the HAR (attach mode) are taken in, so the
 *     bundle holds one self-contained file; a BOM goes; the JSON is written out indented;
 *  3. redact the credentials capture redacts (shared/har/redact.ts: the same code and marker);
 *  4. write it to traffic/NAME.har (or fixtures/) and list it in bundle.json with its digest.
 * Each file is replaced atomically (temp, fsync, rename); the HAR goes in first and is taken out
 * again if bundle.json cannot be written, so a failed import leaves the bundle as it was.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { TrafficAddResult } from '../../../shared/api/methods/traffic';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import type { FileEntry } from '../../../shared/bundle/manifest';
import { parseManifest } from '../../../shared/bundle/validate';
import { redactHar, summarizeRedactions, type HarRedactOptions } from '../../../shared/har/redact';
import { isTextualMime } from '../../../shared/replay/body';
import { harAttachmentNames, HarParseError, readHarDocument, readHarJson } from '../../../shared/replay/har';
import { writeFileAtomic } from '../atomic-write';
import { BundlePathError, resolveBundlePath } from '../bundles/bundle-path';
import { bundleInvalid } from '../bundles/open';

export interface TrafficAddSource {
  /** The file name the HAR came with (default name in the bundle), e.g. `checkout-devtools.har`. */
  fileName: string;
  text: string;
  /** Bodies kept beside the HAR (Playwright attach mode), by the name the HAR gives. */
  attachment?: (name: string) => Uint8Array | undefined;
}

export interface TrafficAddOptions {
  /** The bundle folder (bundle.json at its top). */
  bundleRoot: string;
  source: TrafficAddSource;
  /** Name in the bundle (`.har` added when missing); default: the source's file name. */
  as?: string;
  /** Add to fixtures/ (answers for external dependencies) instead of traffic/ (replayed). */
  fixture?: boolean;
  redact?: HarRedactOptions;
}

export type { TrafficAddResult };

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

/** The bundle file name for an import: `--as NAME` or the source's name, always ending in .har. */
export function trafficFileName(as: string | undefined, sourceName: string): string {
  const base = (as ?? sourceName.split(/[\\/]/).pop() ?? '').replace(/\.(har|json)$/i, '');
  if (!NAME_RE.test(base)) {
    throw new WorkbenchError('invalid_argument', `"${as ?? sourceName}" cannot name a file in the bundle: use letters, digits, '.', '_' and '-' (pick one with --as NAME)`);
  }
  return `${base}.har`;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Put bodies kept in files beside the HAR back into it; returns how many. */
function inlineAttachments(doc: { log: { entries: unknown[] } }, attachment: TrafficAddSource['attachment'], fileName: string): number {
  let n = 0;
  const missing: string[] = [];
  const take = (holder: Json, mime: unknown) => {
    const name = holder._file;
    if (typeof name !== 'string') return;
    const bytes = attachment?.(name);
    if (!bytes) return missing.push(name);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = isTextualMime(typeof mime === 'string' ? mime : undefined) ? buf.toString('utf8') : undefined;
    if (text !== undefined && Buffer.from(text, 'utf8').equals(buf)) {
      holder.text = text;
      delete holder.encoding;
    } else {
      holder.text = buf.toString('base64');
      holder.encoding = 'base64';
    }
    delete holder._file;
    n++;
  };
  for (const e of doc.log.entries) {
    if (!isObj(e)) continue;
    if (isObj(e.request) && isObj(e.request.postData)) take(e.request.postData, e.request.postData.mimeType);
    if (isObj(e.response) && isObj(e.response.content)) take(e.response.content, e.response.content.mimeType);
  }
  if (missing.length) {
    throw new WorkbenchError(
      'invalid_argument',
      `${fileName} keeps ${missing.length} bod${missing.length === 1 ? 'y' : 'ies'} in files beside it (Playwright's attach mode) that are not there: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}. Import it from its folder with the body files next to it`,
    );
  }
  return n;
}

export async function addTraffic(opts: TrafficAddOptions): Promise<TrafficAddResult> {
  const root = opts.bundleRoot;
  const manifestPath = join(root, 'bundle.json');
  let manifestText: string;
  try {
    if (!(await lstat(root)).isDirectory()) throw new Error('not a folder');
    manifestText = await readFile(manifestPath, 'utf8');
  } catch {
    throw new WorkbenchError('not_found', `${root} is not a bundle folder (no bundle.json): traffic add writes into a bundle folder, not an archive`);
  }
  const folder = opts.fixture ? 'fixtures' : 'traffic';
  const path = `${folder}/${trafficFileName(opts.as, opts.source.fileName)}`;

  // 1-2. Read, take attached bodies in, and check replay can read the result.
  let doc;
  try {
    doc = readHarJson(opts.source.text, opts.source.fileName);
  } catch (err) {
    if (err instanceof HarParseError) throw new WorkbenchError('invalid_argument', err.message, { problems: err.problems });
    throw err;
  }
  const attachmentsInlined = harAttachmentNames(doc).length ? inlineAttachments(doc, opts.source.attachment, opts.source.fileName) : 0;
  // 3. Redact before anything is written.
  const { har, redactions } = redactHar(doc, opts.redact);
  let parsed;
  try {
    parsed = readHarDocument(har as { log: { entries: unknown[] } }, path);
  } catch (err) {
    if (err instanceof HarParseError) throw new WorkbenchError('invalid_argument', `${opts.source.fileName} cannot be replayed:\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`, { problems: err.problems });
    throw err;
  }
  const bytes = Buffer.from(JSON.stringify(har, null, 2) + '\n', 'utf8');
  const entry: FileEntry = { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };

  // The new bundle.json: only `files` changes (sorted by path, as repro manifest writes it).
  let data: Json;
  try {
    data = JSON.parse(manifestText) as Json;
  } catch {
    throw bundleInvalid(parseManifest(manifestText).problems, root);
  }
  const files = (Array.isArray(data.files) ? (data.files as FileEntry[]) : []).filter((f) => f.path !== path);
  files.push(entry);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const nextText = JSON.stringify({ ...data, files }, null, 2) + '\n';
  const check = parseManifest(nextText);
  if (!check.ok) throw bundleInvalid(check.problems, root);

  // 4. Never over a file that is there, never through a link.
  try {
    await resolveBundlePath(root, path);
    throw new WorkbenchError('conflict', `${path} is already in the bundle; pick another name with --as NAME`);
  } catch (err) {
    if (!(err instanceof BundlePathError) || err.reason !== 'missing') throw err;
  }
  const folderAbs = await resolveBundlePath(root, folder, 'folder').catch(async (err: unknown) => {
    if (!(err instanceof BundlePathError) || err.reason !== 'missing') throw err;
    await mkdir(join(root, folder));
    return resolveBundlePath(root, folder, 'folder');
  });
  const target = join(folderAbs, path.slice(folder.length + 1));
  await writeFileAtomic(target, bytes);
  try {
    // Re-read: a manifest changed since we read it is not overwritten blindly.
    if ((await readFile(manifestPath, 'utf8')) !== manifestText) throw new WorkbenchError('conflict', 'bundle.json changed while the HAR was being added; nothing was changed, try again');
    await writeFileAtomic(manifestPath, nextText);
  } catch (err) {
    await rm(target, { force: true });
    throw err;
  }
  const signed = await lstat(join(root, DSSE_ENVELOPE_PATH)).then(
    () => true,
    () => false,
  );
  return {
    path,
    sha256: entry.sha256,
    size: entry.size,
    entries: parsed.entries.length,
    skipped: parsed.skipped.length,
    attachmentsInlined,
    redactions: summarizeRedactions(redactions),
    signatureInvalidated: signed && nextText !== manifestText,
  };
}

/** A HAR file on disk as an import source: bodies beside it (Playwright attach mode) read from its folder. */
export async function harFileSource(file: string): Promise<TrafficAddSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new WorkbenchError('not_found', `cannot read ${file}: ${(err as Error).message}`);
  }
  const dir = join(file, '..');
  const attachments = new Map<string, Uint8Array>();
  try {
    for (const name of harAttachmentNames(readHarJson(text, file))) {
      if (!NAME_RE.test(name)) continue; // a name that could leave the folder is reported missing
      const bytes = await readFile(join(dir, name)).catch(() => undefined);
      if (bytes) attachments.set(name, bytes);
    }
  } catch (err) {
    if (!(err instanceof HarParseError)) throw err; // addTraffic reports it with the rest
  }
  return { fileName: file, text, attachment: (name) => attachments.get(name) };
}
