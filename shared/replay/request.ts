/**
 * What is sent for a recorded request, and where. Rules (bundle spec, "Replay"):
 *  - the target is the service the user's host map names for the URL's host (and port), else the
 *    service whose name is the URL's host, else the bundle's ingress service (recordings made in
 *    a browser or through a proxy carry `127.0.0.1:PORT` or a public name, not a service name);
 *    always at that service's ingress port;
 *  - method, path, query string (repeated keys and order kept), body and headers are replayed
 *    as recorded, minus hop-by-hop headers (RFC 9110 §7.6.1, plus those the Connection header
 *    names), Host (the client sets the target's), content-length (recomputed from the body),
 *    and HTTP/2 pseudo-headers (`:authority` etc., which HTTP/1.1 cannot carry).
 */
import type { HarEntry, HeaderPair } from './har';

export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

const NOT_REPLAYED = new Set([...HOP_BY_HOP, 'host', 'content-length']);

export function replayHeaders(headers: HeaderPair[]): HeaderPair[] {
  let named: Set<string> | undefined;
  for (const h of headers) {
    if (h.name.length === 10 && h.name.toLowerCase() === 'connection') {
      named ??= new Set();
      for (const token of h.value.split(',')) if (token.trim()) named.add(token.trim().toLowerCase());
    }
  }
  return headers.filter((h) => {
    const n = h.name.toLowerCase();
    return n.charCodeAt(0) !== 58 /* ':' */ && !NOT_REPLAYED.has(n) && !named?.has(n);
  });
}

/** A service of the running session as replay sees it. */
export interface ReplayTargetService {
  name: string;
  /** The ingress container port (manifest), if the service has one. */
  ingressPort: number | undefined;
  /** The manifest marks one of its ports `ingress: true`: outside traffic enters here. */
  ingress?: boolean;
  /** Host-reachable base URLs per container port, e.g. {container: 8080, url: "http://127.0.0.1:49153"}. */
  endpoints: { container: number; url: string }[];
}

export type TargetResult = { ok: true; service: string; origin: string; path: string; url: string } | { ok: false; reason: string };

/** `--host-map HOST[:PORT]=SERVICE`: requests recorded for HOST (on PORT, or any port) go to SERVICE. */
export interface HostMapping {
  host: string;
  port?: number;
  service: string;
}

/** How the requests to one recorded host were routed (the report lists each once). */
export interface HostRoute {
  /** `host:port` as recorded. */
  host: string;
  service: string | null;
  via: 'service-name' | 'host-map' | 'ingress' | 'none';
}

const HOST_MAP_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?=([a-z0-9][a-z0-9_.-]{0,62})$/;

/** Parse one `HOST[:PORT]=SERVICE`; throws with what is wrong. */
export function parseHostMapping(text: string): HostMapping {
  const m = HOST_MAP_RE.exec(text.trim());
  if (!m) throw new Error(`host map "${text}": expected HOST[:PORT]=SERVICE, e.g. 127.0.0.1:3000=checkout or shop.example.com=checkout`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`host map "${text}": port ${port} is not 1-65535`);
  return { host: m[1]!.toLowerCase(), ...(port !== undefined ? { port } : {}), service: m[3]! };
}

export function formatHostMapping(m: HostMapping): string {
  return `${m.host}${m.port !== undefined ? `:${m.port}` : ''}=${m.service}`;
}

/** The service that traffic for hosts which are not service names goes to, or why there is none. */
export function ingressService(services: ReplayTargetService[]): { ok: true; name: string } | { ok: false; reason: string } {
  const marked = services.filter((s) => s.ingress);
  if (marked.length === 1) return { ok: true, name: marked[0]!.name };
  if (marked.length === 0 && services.length === 1) return { ok: true, name: services[0]!.name };
  if (marked.length > 1) return { ok: false, reason: `the bundle has ${marked.length} ingress services (${marked.map((s) => s.name).join(', ')}); say which with --host-map HOST[:PORT]=SERVICE` };
  return { ok: false, reason: 'the bundle marks no ingress port (ports[].ingress); say which service with --host-map HOST[:PORT]=SERVICE' };
}

// Path and query characters the WHATWG URL parser leaves exactly as they are (no percent-encoding,
// no dot segments, no backslashes): such a URL's path and query can be cut from the string.
const PLAIN_URL_RE = /^https?:\/\/[^/?#\\\s@]+(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)(\?[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*)?$/i;
const DOT_SEGMENT_RE = /\/(?:\.|%2e){1,2}(?:\/|$)/i;

/** Path and query of a URL as the WHATWG parser would give them, without parsing when it is plain. */
export function pathAndQuery(url: string): { origin: string; path: string } {
  const m = PLAIN_URL_RE.exec(url);
  if (m && !DOT_SEGMENT_RE.test(m[1]!)) {
    const query = m[2] ?? '';
    // An empty query ("?" alone) is dropped, as URL.search drops it.
    const path = query.length > 1 ? m[1]! + query : m[1]!;
    return { origin: url.slice(0, url.length - m[1]!.length - query.length), path };
  }
  const u = new URL(url);
  return { origin: `${u.protocol}//${u.host}`, path: `${u.pathname}${u.search}` };
}

export interface TargetMapper {
  (recordedUrl: string): TargetResult;
  /** Every recorded host seen so far and where its requests went, in first-seen order. */
  routes(): HostRoute[];
}

/**
 * Map recorded URLs onto the session (see the rules above), at the service's ingress port. The
 * mapping of each recorded origin is worked out once per replay; a replay sends thousands of
 * requests to a handful of origins.
 */
export function createTargetMapper(services: ReplayTargetService[], hostMap: readonly HostMapping[] = []): TargetMapper {
  const byOrigin = new Map<string, { ok: true; service: string; origin: string } | { ok: false; reason: string }>();
  const routes: HostRoute[] = [];
  const pick = (url: URL): { service: string; via: HostRoute['via'] } | { reason: string } => {
    const host = url.hostname.toLowerCase();
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const mapped = hostMap.find((m) => m.host === host && m.port === port) ?? hostMap.find((m) => m.host === host && m.port === undefined);
    if (mapped) return { service: mapped.service, via: 'host-map' };
    if (services.some((s) => s.name === host)) return { service: host, via: 'service-name' };
    const ingress = ingressService(services);
    if (ingress.ok) return { service: ingress.name, via: 'ingress' };
    return { reason: `"${host}" is not a service of the session (${services.map((s) => s.name).join(', ') || 'none'}) and ${ingress.reason}` };
  };
  const resolve = (recordedOrigin: string) => {
    const url = new URL(recordedOrigin);
    const choice = pick(url);
    if (!routes.some((r) => r.host === url.host)) routes.push({ host: url.host, service: 'service' in choice ? choice.service : null, via: 'service' in choice ? choice.via : 'none' });
    if (!('service' in choice)) return { ok: false as const, reason: choice.reason };
    const service = services.find((s) => s.name === choice.service);
    if (!service) return { ok: false as const, reason: `--host-map names "${choice.service}", which is not a service of the session (${services.map((s) => s.name).join(', ') || 'none'})` };
    if (service.ingressPort === undefined) return { ok: false as const, reason: `service "${service.name}" has no ingress port` };
    const endpoint = service.endpoints.find((e) => e.container === service.ingressPort);
    if (!endpoint) return { ok: false as const, reason: `service "${service.name}" publishes no endpoint for its ingress port ${service.ingressPort} (is it running?)` };
    const base = new URL(endpoint.url);
    return { ok: true as const, service: service.name, origin: `${base.protocol}//${base.host}` };
  };
  const map = (recordedUrl: string): TargetResult => {
    // Keep path and query byte for byte (URLSearchParams would re-encode them).
    const { origin: recordedOrigin, path } = pathAndQuery(recordedUrl);
    let mapped = byOrigin.get(recordedOrigin);
    if (!mapped) {
      mapped = resolve(recordedOrigin);
      byOrigin.set(recordedOrigin, mapped);
    }
    if (!mapped.ok) return mapped;
    return { ok: true, service: mapped.service, origin: mapped.origin, path, url: mapped.origin + path };
  };
  return Object.assign(map, { routes: () => routes.slice() });
}

/** Map one recorded URL onto the session (see createTargetMapper). */
export function mapTarget(recordedUrl: string, services: ReplayTargetService[]): TargetResult {
  return createTargetMapper(services)(recordedUrl);
}

export interface ReplayRequest {
  index: number;
  method: string;
  /** The recorded URL (what the report shows). */
  recordedUrl: string;
  target: TargetResult;
  headers: HeaderPair[];
  body: Uint8Array | null;
}

export function buildReplayRequest(entry: HarEntry, index: number, services: ReplayTargetService[] | ((recordedUrl: string) => TargetResult)): ReplayRequest {
  return {
    index,
    method: entry.request.method,
    recordedUrl: entry.request.url,
    target: typeof services === 'function' ? services(entry.request.url) : mapTarget(entry.request.url, services),
    headers: replayHeaders(entry.request.headers),
    // Bodies on GET/HEAD are legal but most servers reject them; HAR writers add empty ones.
    body: entry.request.body && entry.request.body.length > 0 ? entry.request.body : null,
  };
}
