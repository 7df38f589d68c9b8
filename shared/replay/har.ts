/**
 * HAR 1.2 reading for replay, lenient where real writers (Polly.JS, browsers, Playwright,
 * mitmproxy) depart from the format and strict where a wrong guess would replay the wrong thing.
 * Every problem names the file and the entry field, e.g. `traffic/checkout.har: log.entries[3].request.url: ...`.
 *
 * What real writers leave in a HAR that is not an exchange to replay or compare:
 *  - failed requests: Playwright writes `status: -1` with `_failureText`, DevTools `status: 0`
 *    with `_error`. They are skipped (with the producer's reason), not refused.
 *  - bodies that were never recorded: browsers write `content.size` -1, or a size with no `text`,
 *    for bodies the page never read or answers that were cut off. Such a response is compared on
 *    status and content-type only, and says so.
 *  - Playwright's attach mode keeps bodies in files beside the HAR (`content._file`); the caller
 *    gives a reader for them.
 */
import { decodeHarBody, type BodyForm, type DecodedBody } from './body';

export interface HeaderPair {
  name: string;
  value: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  httpVersion: string | undefined;
  /** Header order kept; a Polly array value becomes one pair per value. */
  headers: HeaderPair[];
  body: Uint8Array | null;
  bodyMimeType: string | undefined;
}

export interface RecordedResponse {
  status: number;
  headers: HeaderPair[];
  /** From the content-type header, else `content.mimeType`. */
  contentType: string | undefined;
  /** The body as the HAR holds it (may still be gzip etc. when `bodyForm` is binary). */
  body: Uint8Array;
  bodyForm: BodyForm;
  /**
   * Set when the HAR holds no body for this answer (why, in words): only status and content-type
   * can be compared.
   */
  bodyNotRecorded?: string;
  /**
   * Set when the text was read as hex only because a content-encoding header is present: the same
   * text taken literally. Browsers and proxies keep the header but store the decoded body, so when
   * the hex bytes do not decode under that encoding, this is the body.
   */
  bodyAsText?: Uint8Array;
}

/** An entry of the file that is not replayed: the request failed when it was recorded. */
export interface SkippedEntry {
  source: string;
  method: string;
  url: string;
  /** The producer's reason (`net::ERR_CONNECTION_REFUSED`...), or what the HAR showed. */
  reason: string;
}

export interface ParsedHar {
  entries: HarEntry[];
  skipped: SkippedEntry[];
}

export interface HarReadOptions {
  /**
   * Bytes of a body kept in a file beside the HAR (`_file`, Playwright's attach mode), by the
   * name the HAR gives; undefined when there is no such file. Without a reader such bodies are a
   * problem.
   */
  attachment?: (name: string) => Uint8Array | undefined;
}

export interface HarEntry {
  /** `<file>#<index in file>`: where to look in the bundle. */
  source: string;
  startedAtMs: number;
  startedDateTime: string;
  /** Recorded total time of the exchange (HAR `time`), ms; undefined when absent or negative. */
  timeMs: number | undefined;
  request: RecordedRequest;
  response: RecordedResponse;
}

export interface HarProblem {
  file: string;
  path: string;
  message: string;
}

export class HarParseError extends Error {
  override name = 'HarParseError';
  constructor(readonly problems: HarProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n'));
  }
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Polly writes `value: ["a", "b"]`; HAR wants a string. Both become pairs. */
function readHeaders(raw: unknown, file: string, path: string, problems: HarProblem[]): HeaderPair[] {
  if (raw == null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ file, path, message: 'expected an array of {name, value}' });
    return [];
  }
  const out: HeaderPair[] = [];
  raw.forEach((h, i) => {
    if (!isObj(h) || typeof h.name !== 'string' || h.name === '') {
      problems.push({ file, path: `${path}[${i}]`, message: 'expected {name: string, value}' });
      return;
    }
    const values = Array.isArray(h.value) ? h.value : [h.value];
    for (const v of values) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push({ name: h.name, value: String(v) });
      else if (v != null) problems.push({ file, path: `${path}[${i}].value`, message: 'expected a string (or an array of strings)' });
    }
  });
  return out;
}

export function headerValue(headers: HeaderPair[], name: string): string | undefined {
  // Runs several times per replayed response: a plain loop, no arrays unless a header repeats.
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const h of headers) {
    if (h.name.length !== lower.length || h.name.toLowerCase() !== lower) continue;
    found = found === undefined ? h.value : `${found}, ${h.value}`;
  }
  return found;
}

function readAttachment(name: unknown, opts: HarReadOptions, file: string, path: string, problems: HarProblem[]): Uint8Array | undefined {
  if (typeof name !== 'string' || name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    problems.push({ file, path, message: `expected the plain name of a file beside the HAR, got ${JSON.stringify(name)}` });
    return undefined;
  }
  const bytes = opts.attachment?.(name);
  if (!bytes) {
    problems.push({
      file,
      path,
      message: `the body is kept in "${name}" beside the HAR (Playwright's attach mode), and that file is not there: add it with the HAR, or import the HAR with repro traffic add, which takes the bodies in`,
    });
  }
  return bytes;
}

function readPostData(raw: unknown, contentEncoding: string | undefined, opts: HarReadOptions, file: string, path: string, problems: HarProblem[]) {
  if (raw == null || !isObj(raw)) return { body: null, mime: undefined };
  const mime = typeof raw.mimeType === 'string' ? raw.mimeType : undefined;
  if (raw._file !== undefined) return { body: readAttachment(raw._file, opts, file, `${path}._file`, problems) ?? null, mime };
  if (typeof raw.text === 'string' && raw.text !== '') {
    try {
      return { body: decodeHarBody(raw, { contentEncoding }, `${path}`).bytes, mime };
    } catch (e) {
      problems.push({ file, path, message: (e as Error).message });
      return { body: null, mime };
    }
  }
  // Form posts may carry only `params`; rebuild the urlencoded body they stand for.
  if (Array.isArray(raw.params) && raw.params.length > 0) {
    const form = new URLSearchParams();
    for (const p of raw.params) if (isObj(p) && typeof p.name === 'string') form.append(p.name, typeof p.value === 'string' ? p.value : '');
    return { body: new TextEncoder().encode(form.toString()), mime: mime ?? 'application/x-www-form-urlencoded' };
  }
  // Polly records `postData: {mimeType}` on GETs: no body.
  return { body: null, mime };
}

/** Why a recorded exchange failed (no answer came), or undefined when it has a status. */
function failureOf(res: Json, status: unknown): string | undefined {
  const text = [res._failureText, res._error].find((t): t is string => typeof t === 'string' && t !== '');
  // Playwright writes -1, DevTools and Firefox 0; a missing status counts only with the producer's reason.
  if (status === 0 || status === -1) return text ?? `no answer was recorded (status ${status})`;
  if ((status === null || status === undefined) && text) return text;
  return undefined;
}

/**
 * Why the body of an answer is not in the HAR, or undefined when it is (an empty body is a body).
 * Browsers write `size: -1`, or the size with no text, when they did not keep the body.
 */
function unrecordedBody(content: Json | undefined, res: Json): string | undefined {
  if (!content) return undefined;
  const text = content.text;
  if (typeof text === 'string' && text !== '') return undefined;
  if (content._file !== undefined) return undefined;
  const size = content.size;
  const failure = [res._failureText, res._error].find((t): t is string => typeof t === 'string' && t !== '');
  if (failure) return `the answer was cut off when recorded (${failure}); its body was not recorded`;
  if (size === -1) return 'the body was not recorded (content.size -1)';
  if (typeof size === 'number' && size > 0) return `the body was not recorded (content.size ${size} with no text)`;
  return undefined;
}

function readEntry(raw: unknown, file: string, index: number, opts: HarReadOptions, problems: HarProblem[], skipped: SkippedEntry[]): HarEntry | undefined {
  const base = `log.entries[${index}]`;
  const before = problems.length;
  if (!isObj(raw)) {
    problems.push({ file, path: base, message: 'expected an object' });
    return undefined;
  }
  const started = raw.startedDateTime;
  const startedAtMs = typeof started === 'string' ? Date.parse(started) : NaN;
  if (!Number.isFinite(startedAtMs)) problems.push({ file, path: `${base}.startedDateTime`, message: `expected an ISO 8601 date-time, got ${JSON.stringify(started)}` });
  const req = raw.request;
  const res = raw.response;
  if (!isObj(req)) problems.push({ file, path: `${base}.request`, message: 'missing or not an object' });
  if (!isObj(res)) problems.push({ file, path: `${base}.response`, message: 'missing or not an object' });
  if (!isObj(req) || !isObj(res)) return undefined;

  const failure = failureOf(res, res.status);
  if (failure !== undefined) {
    skipped.push({ source: `${file}#${index}`, method: typeof req.method === 'string' ? req.method.toUpperCase() : '?', url: String(req.url), reason: failure });
    problems.length = before;
    return undefined;
  }

  const method = req.method;
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) problems.push({ file, path: `${base}.request.method`, message: `expected an HTTP method, got ${JSON.stringify(method)}` });
  let url: URL | undefined;
  try {
    url = new URL(String(req.url));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    problems.push({ file, path: `${base}.request.url`, message: `expected an absolute http(s) URL, got ${JSON.stringify(req.url)}` });
  }
  // Some writers leave the query out of `url` and list it only in `queryString`.
  if (url && url.search === '' && Array.isArray(req.queryString)) {
    for (const q of req.queryString) if (isObj(q) && typeof q.name === 'string') url.searchParams.append(q.name, typeof q.value === 'string' ? q.value : '');
  }
  const reqHeaders = readHeaders(req.headers, file, `${base}.request.headers`, problems);
  const post = readPostData(req.postData, headerValue(reqHeaders, 'content-encoding'), opts, file, `${base}.request.postData`, problems);

  const status = res.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    problems.push({ file, path: `${base}.response.status`, message: `expected an HTTP status 100-599, got ${JSON.stringify(status)}` });
  }
  const resHeaders = readHeaders(res.headers, file, `${base}.response.headers`, problems);
  const content = isObj(res.content) ? res.content : undefined;
  let body: DecodedBody = { bytes: new Uint8Array(0), form: 'empty' };
  // 204/304 carry no body whatever `size` claims (Polly writes size 10 for a 204), nor does a HEAD.
  const hasBody = status !== 204 && status !== 304 && String(method).toUpperCase() !== 'HEAD';
  const notRecorded = hasBody ? unrecordedBody(content, res) : undefined;
  if (hasBody && notRecorded === undefined) {
    if (content?._file !== undefined) {
      const bytes = readAttachment(content._file, opts, file, `${base}.response.content._file`, problems);
      // The attached file holds the body as the browser handed it to the page: decoded.
      if (bytes) body = { bytes, form: bytes.length ? 'text' : 'empty' };
    } else {
      try {
        body = decodeHarBody(content, { contentEncoding: headerValue(resHeaders, 'content-encoding') }, `${base}.response.content`);
      } catch (e) {
        problems.push({ file, path: `${base}.response.content`, message: (e as Error).message });
      }
    }
  }
  // Playwright writes "x-unknown" when it does not know the type.
  const mimeType = typeof content?.mimeType === 'string' && content.mimeType !== '' && content.mimeType !== 'x-unknown' ? content.mimeType : undefined;
  const contentType = headerValue(resHeaders, 'content-type') ?? mimeType;
  const time = typeof raw.time === 'number' && raw.time >= 0 ? raw.time : undefined;
  if (problems.length > before || !url) return undefined;
  return {
    source: `${file}#${index}`,
    startedAtMs,
    startedDateTime: started as string,
    timeMs: time,
    request: {
      method: (method as string).toUpperCase(),
      url: url.toString(),
      httpVersion: typeof req.httpVersion === 'string' ? req.httpVersion : undefined,
      headers: reqHeaders,
      body: post.body,
      bodyMimeType: post.mime,
    },
    response: {
      status: status as number,
      headers: resHeaders,
      contentType,
      body: body.bytes,
      bodyForm: body.form,
      ...(notRecorded !== undefined ? { bodyNotRecorded: notRecorded } : {}),
      ...(body.asText ? { bodyAsText: body.asText } : {}),
    },
  };
}

/** The JSON of a HAR file (a leading BOM allowed), checked to be `{"log": {"entries": [...]}}`. */
export function readHarJson(text: string, file: string): { log: { entries: unknown[] } & Json } & Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new HarParseError([{ file, path: '$', message: `not JSON: ${(e as Error).message}` }]);
  }
  if (!isObj(doc) || !isObj(doc.log)) throw new HarParseError([{ file, path: 'log', message: 'expected a HAR document {"log": {...}}' }]);
  if (!Array.isArray(doc.log.entries)) throw new HarParseError([{ file, path: 'log.entries', message: 'expected an array' }]);
  return doc as { log: { entries: unknown[] } & Json } & Json;
}

/** Names of the files beside the HAR that hold bodies (Playwright's attach mode `_file`). */
export function harAttachmentNames(doc: { log: { entries: unknown[] } }): string[] {
  const names = new Set<string>();
  for (const e of doc.log.entries) {
    if (!isObj(e)) continue;
    const req = isObj(e.request) && isObj(e.request.postData) ? e.request.postData : undefined;
    const content = isObj(e.response) && isObj(e.response.content) ? e.response.content : undefined;
    for (const f of [req?._file, content?._file]) if (typeof f === 'string') names.add(f);
  }
  return [...names];
}

/** Read a parsed HAR document. Throws HarParseError listing every problem found (not just the first). */
export function readHarDocument(doc: { log: { entries: unknown[] } }, file: string, opts: HarReadOptions = {}): ParsedHar {
  const problems: HarProblem[] = [];
  const out: HarEntry[] = [];
  const skipped: SkippedEntry[] = [];
  doc.log.entries.forEach((e, i) => {
    const entry = readEntry(e, file, i, opts, problems, skipped);
    if (entry) out.push(entry);
  });
  if (problems.length) throw new HarParseError(problems);
  return { entries: out, skipped };
}

/** Read one HAR file: the exchanges to replay and the failed ones skipped. */
export function readHar(text: string, file: string, opts: HarReadOptions = {}): ParsedHar {
  return readHarDocument(readHarJson(text, file), file, opts);
}

/** The exchanges of one HAR file (failed ones left out). Throws HarParseError listing every problem. */
export function parseHar(text: string, file: string, opts: HarReadOptions = {}): HarEntry[] {
  return readHar(text, file, opts).entries;
}

/**
 * Merge entries of several files into replay order: by startedDateTime (HAR does not promise
 * order), ties kept in file-then-entry order so the result is deterministic.
 */
export function orderEntries(files: HarEntry[][]): HarEntry[] {
  const all = files.flat().map((e, seq) => ({ e, seq }));
  all.sort((a, b) => a.e.startedAtMs - b.e.startedAtMs || a.seq - b.seq);
  return all.map((x) => x.e);
}
