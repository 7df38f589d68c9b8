/**
 * Files the user hands to capture (`--traffic`, `--fixtures`, `--traces`): read and checked
 * before the engine is touched, so a bad file is a clear error naming it, and nothing is written.
 * HAR files are redacted (shared/har/redact) and, for traffic, re-addressed to the services;
 * the result must still be readable by replay.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { readdressHar, type ReaddressRules, type ReaddressSummary } from '../../../shared/capture/readdress';
import { redactHar, summarizeRedactions, type HarRedactionSummary } from '../../../shared/har/redact';
import { HarParseError, parseHar } from '../../../shared/replay/har';
import { detectFormat, parseTraceText } from '../../../shared/traces/detect';

/** A HAR or trace file bigger than this is refused (they are read whole). */
export const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

export interface InputFile {
  /** As given on the command line. */
  source: string;
  text: string;
}

export async function readInput(file: string, what: string): Promise<InputFile> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new WorkbenchError('invalid_argument', `${what} ${file}: not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw new WorkbenchError('invalid_argument', `${what} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size > MAX_INPUT_BYTES) throw new WorkbenchError('invalid_argument', `${what} ${file}: ${size} bytes is more than the 1 GiB capture reads`);
  return { source: file, text: await readFile(file, 'utf8') };
}

export function checkHar(input: InputFile, what: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text);
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `${what} ${input.source}: not JSON (${(err as Error).message})`);
  }
  harEntries(input.text, input.source, what);
  return doc;
}

function harEntries(text: string, file: string, what: string): number {
  try {
    return parseHar(text, file).length;
  } catch (err) {
    if (err instanceof HarParseError) {
      throw new WorkbenchError('invalid_argument', `${what} ${file}: not a HAR that replay can read:\n${err.problems.slice(0, 10).map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    }
    throw err;
  }
}

export interface PreparedHar {
  bytes: Buffer;
  entries: number;
  redactions: HarRedactionSummary[];
  readdress?: ReaddressSummary;
}

/** Redact (and for traffic, re-address); the result is checked to parse as replay reads it. */
export function prepareHar(doc: unknown, source: string, opts: { headers?: readonly string[]; readdress?: ReaddressRules }): PreparedHar {
  const redacted = redactHar(doc, opts.headers ? { headers: opts.headers } : {});
  let har = redacted.har;
  let readdress: ReaddressSummary | undefined;
  if (opts.readdress) {
    const r = readdressHar(har, opts.readdress);
    har = r.har;
    readdress = r.summary;
  }
  const text = JSON.stringify(har, null, 2) + '\n';
  const entries = harEntries(text, source, 'HAR');
  return { bytes: Buffer.from(text, 'utf8'), entries, redactions: summarizeRedactions(redacted.redactions), ...(readdress ? { readdress } : {}) };
}

export function checkTraces(input: InputFile): void {
  const docs = parseTraceText(input.source, input.text);
  for (const d of docs) {
    if (!detectFormat(d.doc)) throw new WorkbenchError('invalid_argument', `--traces ${input.source}: not OTLP/JSON, Jaeger JSON or Zipkin v2 JSON`);
  }
}

/** A unique bundle file name in `folder/` for a user's file, keeping a safe form of its name. */
export function bundleFileName(folder: string, source: string, ext: string, taken: Set<string>): string {
  const stem =
    basename(source)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || 'file';
  let path = `${folder}/${stem}${ext}`;
  for (let i = 2; taken.has(path); i++) path = `${folder}/${stem}-${i}${ext}`;
  taken.add(path);
  return path;
}
