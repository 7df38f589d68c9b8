/**
 * What is sent for a recorded request, and where. Rules (bundle spec, "Replay"):
 *  - the target is the service whose name is the URL's host, at that service's ingress port;
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

export function replayHeaders(headers: HeaderPair[]): HeaderPair[] {
  const named = new Set<string>();
  for (const h of headers) {
    if (h.name.toLowerCase() === 'connection') for (const token of h.value.split(',')) if (token.trim()) named.add(token.trim().toLowerCase());
  }
  return headers.filter((h) => {
    const n = h.name.toLowerCase();
    return !n.startsWith(':') && n !== 'host' && n !== 'content-length' && !HOP_BY_HOP.has(n) && !named.has(n);
  });
}

/** A service of the running session as replay sees it. */
export interface ReplayTargetService {
  name: string;
  /** The ingress container port (manifest), if the service has one. */
  ingressPort: number | undefined;
  /** Host-reachable base URLs per container port, e.g. {container: 8080, url: "http://127.0.0.1:49153"}. */
  endpoints: { container: number; url: string }[];
}

export type TargetResult = { ok: true; url: string; service: string } | { ok: false; reason: string };

/** Map a recorded URL onto the session: host = service name, port = its ingress port. */
export function mapTarget(recordedUrl: string, services: ReplayTargetService[]): TargetResult {
  const url = new URL(recordedUrl);
  const host = url.hostname.toLowerCase();
  const service = services.find((s) => s.name === host);
  if (!service) {
    return { ok: false, reason: `no service named "${host}" in the session (a request's host must be a service name; services: ${services.map((s) => s.name).join(', ') || 'none'})` };
  }
  if (service.ingressPort === undefined) return { ok: false, reason: `service "${service.name}" has no ingress port` };
  const endpoint = service.endpoints.find((e) => e.container === service.ingressPort);
  if (!endpoint) return { ok: false, reason: `service "${service.name}" publishes no endpoint for its ingress port ${service.ingressPort} (is it running?)` };
  const base = new URL(endpoint.url);
  // Keep path and query byte for byte (URLSearchParams would re-encode them).
  return { ok: true, service: service.name, url: `${base.protocol}//${base.host}${url.pathname}${url.search}` };
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

export function buildReplayRequest(entry: HarEntry, index: number, services: ReplayTargetService[]): ReplayRequest {
  return {
    index,
    method: entry.request.method,
    recordedUrl: entry.request.url,
    target: mapTarget(entry.request.url, services),
    headers: replayHeaders(entry.request.headers),
    // Bodies on GET/HEAD are legal but most servers reject them; HAR writers add empty ones.
    body: entry.request.body && entry.request.body.length > 0 ? entry.request.body : null,
  };
}
