/**
 * Credential redaction for HAR files before they enter a bundle (used by `repro capture`,
 * `repro record-traffic` and `repro traffic add`: one set of rules, one marker).
 *
 * Replaced by the marker, keeping the structure a reader needs (the auth scheme, cookie names,
 * the other query parameters byte for byte):
 *  - headers `Authorization`, `Proxy-Authorization` (scheme kept: `Bearer [redacted]`), `Cookie`
 *    and `Set-Cookie` (names and attributes kept, values replaced), API-key and token headers
 *    (`X-API-Key`, `X-Auth-Token`, `X-Amz-Security-Token`, ... by name), any header whose value
 *    looks like a credential by content (JWT, bearer token, cloud key), and headers the caller names;
 *  - token-like query parameters (`access_token`, `api_key`, `sig`, `X-Amz-Signature`, ... by
 *    name, or by a credential-looking value) in `request.url`, `request.queryString`,
 *    `response.redirectURL` and a `Location` header;
 *  - HAR `cookies` arrays of requests and responses.
 * Bodies are left alone: changing them would make replay compare against something production
 * never sent. A secret that remains in a body is caught by the bundle's credential scan.
 *
 * Pure: takes parsed JSON, returns a redacted deep copy and what was redacted (never the values).
 */
import { scanTextForSecrets } from '../bundle/secrets';
import { REDACTED } from '../record/redact';

export { REDACTED as REDACTION_MARKER };

export type RedactionLocation = 'request.header' | 'response.header' | 'request.query' | 'request.cookie' | 'response.cookie' | 'response.redirectURL';

export interface HarRedaction {
  /** Index in `log.entries`. */
  entry: number;
  location: RedactionLocation;
  /** Header, query parameter or cookie name. */
  name: string;
  reason: string;
}

export interface HarRedactionSummary {
  location: RedactionLocation;
  name: string;
  reason: string;
  count: number;
}

export interface HarRedactOptions {
  /** More header names to redact (case-insensitive), e.g. from `--redact-header`. */
  headers?: readonly string[];
  /** More query parameter names to redact (case-insensitive). */
  queryParams?: readonly string[];
}

const CREDENTIAL_HEADERS = new Map<string, string>([
  ['authorization', 'credential header'],
  ['proxy-authorization', 'credential header'],
  ['cookie', 'cookie header'],
  ['set-cookie', 'cookie header'],
  ['set-cookie2', 'cookie header'],
]);

/** API-key and token headers by name: x-api-key, api-key, x-auth-token, x-amz-security-token, x-csrf-token, ... */
const KEY_HEADER_RE = /(^|[-_])(api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|[a-z]*[-_]?token|secret|password|passwd|credentials?|signature)$/i;

/** Token-like query parameter names: access_token, id_token, api_key, key, sig, X-Amz-Signature, client_secret, ... */
const TOKEN_PARAM_RE =
  /^(?:.*[-_.])?(?:token|access[-_]?token|secret|password|passwd|pwd|signature|credential|api[-_]?key|apikey|access[-_]?key|private[-_]?key|secret[-_]?key)$|^(?:key|sig|auth|jwt|session[-_]?id|sessionid|sid|security[-_]?token)$/i;

/** Why a header's value must not be kept, or undefined. */
export function credentialHeaderReason(name: string, value: string, extra?: ReadonlySet<string>): string | undefined {
  const lower = name.toLowerCase();
  const fixed = CREDENTIAL_HEADERS.get(lower);
  if (fixed) return fixed;
  if (extra?.has(lower)) return 'named by --redact-header';
  if (KEY_HEADER_RE.test(lower)) return 'API key or token header';
  const byValue = scanTextForSecrets(value)[0];
  return byValue ? `value looks like a credential (${byValue.kind})` : undefined;
}

/** Why a query parameter's value must not be kept, or undefined. */
export function tokenParamReason(name: string, value: string, extra?: ReadonlySet<string>): string | undefined {
  if (value === '' || value === REDACTED) return undefined;
  if (extra?.has(name.toLowerCase())) return 'named as a credential parameter';
  if (TOKEN_PARAM_RE.test(name)) return 'token-like query parameter';
  const byValue = scanTextForSecrets(value)[0];
  return byValue ? `value looks like a credential (${byValue.kind})` : undefined;
}

/** The redacted form of a credential header value: the scheme of an auth header and cookie names stay. */
export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const m = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
    return m ? `${m[1]} ${REDACTED}` : REDACTED;
  }
  if (lower === 'cookie') return redactCookiePairs(value);
  if (lower === 'set-cookie' || lower === 'set-cookie2') {
    // Only the first pair is the cookie; the rest are attributes (Path, Expires, HttpOnly ...).
    const semi = value.indexOf(';');
    const first = semi === -1 ? value : value.slice(0, semi);
    return redactCookiePairs(first) + (semi === -1 ? '' : value.slice(semi));
  }
  return REDACTED;
}

function redactCookiePairs(value: string): string {
  return value
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Redact token-like parameters in a URL's query, leaving every other byte as it was (replay
 * sends the path and query byte for byte). Returns the names redacted with their reasons.
 */
export function redactUrlQuery(url: string, extra?: ReadonlySet<string>): { url: string; redacted: { name: string; reason: string }[] } {
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf('?');
  if (q === -1) return { url, redacted: [] };
  const redacted: { name: string; reason: string }[] = [];
  const marker = encodeURIComponent(REDACTED);
  const parts = beforeHash
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      const name = decodeQueryPart(part.slice(0, eq));
      const value = decodeQueryPart(part.slice(eq + 1));
      const reason = value === REDACTED ? undefined : tokenParamReason(name, value, extra);
      if (!reason) return part;
      redacted.push({ name, reason });
      return `${part.slice(0, eq)}=${marker}`;
    });
  if (redacted.length === 0) return { url, redacted };
  return { url: `${beforeHash.slice(0, q + 1)}${parts.join('&')}${hash === -1 ? '' : url.slice(hash)}`, redacted };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Redact a whole HAR document (parsed JSON). Unknown fields are kept; shapes it does not
 * recognise are left as they are (the HAR reader reports those). Polly-style array header
 * values are handled value by value.
 */
export function redactHar(doc: unknown, opts: HarRedactOptions = {}): { har: unknown; redactions: HarRedaction[] } {
  const extraHeaders = new Set((opts.headers ?? []).map((h) => h.toLowerCase()));
  const extraParams = new Set((opts.queryParams ?? []).map((h) => h.toLowerCase()));
  const har = structuredClone(doc);
  const redactions: HarRedaction[] = [];
  const entries = isObj(har) && isObj(har.log) && Array.isArray(har.log.entries) ? har.log.entries : [];
  entries.forEach((entry, index) => {
    if (!isObj(entry)) return;
    const note = (location: RedactionLocation, name: string, reason: string) => redactions.push({ entry: index, location, name, reason });
    if (isObj(entry.request)) redactMessage(entry.request, 'request', note, extraHeaders, extraParams);
    if (isObj(entry.response)) redactMessage(entry.response, 'response', note, extraHeaders, extraParams);
  });
  return { har, redactions };
}

function redactMessage(
  msg: Json,
  side: 'request' | 'response',
  note: (location: RedactionLocation, name: string, reason: string) => void,
  extraHeaders: ReadonlySet<string>,
  extraParams: ReadonlySet<string>,
): void {
  if (Array.isArray(msg.headers)) {
    for (const h of msg.headers) {
      if (!isObj(h) || typeof h.name !== 'string') continue;
      const name = h.name;
      const one = (v: unknown): unknown => {
        if (typeof v !== 'string' || v === '') return v;
        if (name.toLowerCase() === 'location') {
          const r = redactUrlQuery(v, extraParams);
          for (const x of r.redacted) note(`${side}.header`, `${name} ?${x.name}`, x.reason);
          return r.url;
        }
        const reason = credentialHeaderReason(name, v, extraHeaders);
        if (!reason) return v;
        const out = redactHeaderValue(name, v);
        if (out !== v) note(`${side}.header`, name, reason);
        return out;
      };
      h.value = Array.isArray(h.value) ? h.value.map(one) : one(h.value);
    }
  }
  if (Array.isArray(msg.cookies)) {
    for (const c of msg.cookies) {
      if (!isObj(c) || typeof c.value !== 'string' || c.value === '' || c.value === REDACTED) continue;
      c.value = REDACTED;
      note(`${side}.cookie`, typeof c.name === 'string' ? c.name : '?', 'cookie');
    }
  }
  if (side === 'request') {
    if (typeof msg.url === 'string') {
      const r = redactUrlQuery(msg.url, extraParams);
      msg.url = r.url;
      for (const x of r.redacted) note('request.query', x.name, x.reason);
    }
    if (Array.isArray(msg.queryString)) {
      for (const p of msg.queryString) {
        if (!isObj(p) || typeof p.name !== 'string' || typeof p.value !== 'string') continue;
        const reason = tokenParamReason(p.name, p.value, extraParams);
        if (!reason) continue;
        p.value = REDACTED;
        // the same parameter was already counted when the URL was redacted; count it once
        if (typeof msg.url !== 'string' || !msg.url.includes('?')) note('request.query', p.name, reason);
      }
    }
  } else if (typeof msg.redirectURL === 'string' && msg.redirectURL !== '') {
    const r = redactUrlQuery(msg.redirectURL, extraParams);
    msg.redirectURL = r.url;
    for (const x of r.redacted) note('response.redirectURL', x.name, x.reason);
  }
}

/** What was redacted, grouped: one line per place, name and reason, with a count. */
export function summarizeRedactions(redactions: readonly HarRedaction[]): HarRedactionSummary[] {
  const byKey = new Map<string, HarRedactionSummary>();
  for (const r of redactions) {
    const key = `${r.location}\u0000${r.name.toLowerCase()}\u0000${r.reason}`;
    const s = byKey.get(key);
    if (s) s.count++;
    else byKey.set(key, { location: r.location, name: r.name, reason: r.reason, count: 1 });
  }
  return [...byKey.values()].sort((a, b) => a.location.localeCompare(b.location) || a.name.localeCompare(b.name));
}
