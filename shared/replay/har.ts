/**
 * HAR 1.2 reading for replay, lenient where real writers (Polly.JS, browsers) depart from the
 * format and strict where a wrong guess would replay the wrong thing. Every problem names the
 * file and the entry field, e.g. `traffic/checkout.har: log.entries[3].request.url: ...`.
 */
import { decodeHarBody, type BodyForm } from './body';

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

function readPostData(raw: unknown, contentEncoding: string | undefined, file: string, path: string, problems: HarProblem[]) {
  if (raw == null || !isObj(raw)) return { body: null, mime: undefined };
  const mime = typeof raw.mimeType === 'string' ? raw.mimeType : undefined;
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

function readEntry(raw: unknown, file: string, index: number, problems: HarProblem[]): HarEntry | undefined {
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
  const post = readPostData(req.postData, headerValue(reqHeaders, 'content-encoding'), file, `${base}.request.postData`, problems);

  const status = res.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    problems.push({ file, path: `${base}.response.status`, message: `expected an HTTP status 100-599, got ${JSON.stringify(status)}` });
  }
  const resHeaders = readHeaders(res.headers, file, `${base}.response.headers`, problems);
  const content = isObj(res.content) ? res.content : undefined;
  let body: { bytes: Uint8Array; form: BodyForm } = { bytes: new Uint8Array(0), form: 'empty' };
  try {
    // 204/304 carry no body whatever `size` claims (Polly writes size 10 for a 204).
    if (status !== 204 && status !== 304) body = decodeHarBody(content, { contentEncoding: headerValue(resHeaders, 'content-encoding') }, `${base}.response.content`);
  } catch (e) {
    problems.push({ file, path: `${base}.response.content`, message: (e as Error).message });
  }
  const contentType = headerValue(resHeaders, 'content-type') ?? (typeof content?.mimeType === 'string' && content.mimeType !== '' ? content.mimeType : undefined);
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
    response: { status: status as number, headers: resHeaders, contentType, body: body.bytes, bodyForm: body.form },
  };
}

/** Parse one HAR file. Throws HarParseError listing every problem found (not just the first). */
export function parseHar(text: string, file: string): HarEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new HarParseError([{ file, path: '$', message: `not JSON: ${(e as Error).message}` }]);
  }
  if (!isObj(doc) || !isObj(doc.log)) throw new HarParseError([{ file, path: 'log', message: 'expected a HAR document {"log": {...}}' }]);
  const entries = doc.log.entries;
  if (!Array.isArray(entries)) throw new HarParseError([{ file, path: 'log.entries', message: 'expected an array' }]);
  const problems: HarProblem[] = [];
  const out: HarEntry[] = [];
  entries.forEach((e, i) => {
    const entry = readEntry(e, file, i, problems);
    if (entry) out.push(entry);
  });
  if (problems.length) throw new HarParseError(problems);
  return out;
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
