/**
 * Requests in `http` steps are written as in an HTTP file (the format of JetBrains' and VS Code's
 * REST clients): an optional method, the target, an optional HTTP version, header lines, a blank
 * line and the body. Like replay, the URL's host names the service; the runner sends the request
 * to that service's published ingress endpoint, so the port in the URL (if any) is not used.
 */
export interface HttpStepRequest {
  method: string;
  /** Service whose ingress receives the request (URL host, or the block's `service` attribute, or `Host`). */
  service: string;
  /** Path and query, starting with "/". */
  path: string;
  headers: Array<[string, string]>;
  body?: string;
}

export type HttpRequestResult = { ok: true; value: HttpStepRequest } | { ok: false; message: string; line?: number };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `line` in errors is 1-based within the block's body. */
export function parseHttpRequest(text: string, attrs: Record<string, string> = {}): HttpRequestResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]!.trim() === '' || isComment(lines[i]!))) i++;
  if (i >= lines.length) return { ok: false, message: 'the http step has no request line' };
  const requestLineNo = i + 1;
  const parts = lines[i]!.trim().split(/\s+/);
  let method = 'GET';
  let target: string;
  if (parts.length === 1) target = parts[0]!;
  else {
    const m = parts[0]!.toUpperCase();
    if (!METHODS.has(m)) return { ok: false, message: `"${parts[0]}" is not an HTTP method`, line: requestLineNo };
    method = m;
    target = parts[1]!;
    if (parts.length > 3 || (parts.length === 3 && !/^HTTP\/\d(\.\d)?$/.test(parts[2]!))) {
      return { ok: false, message: `request line must be "METHOD URL [HTTP/1.1]", got "${lines[i]!.trim()}"`, line: requestLineNo };
    }
  }
  i++;
  // Indented lines right after the request line continue the query string (REST-client style).
  while (i < lines.length && /^\s+[?&]/.test(lines[i]!)) {
    target += lines[i]!.trim();
    i++;
  }
  const headers: Array<[string, string]> = [];
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const line = lines[i]!;
    if (isComment(line)) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) return { ok: false, message: `"${line.trim()}" is not a header line (Name: value)`, line: i + 1 };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  const bodyLines = lines.slice(i + 1);
  const separator = bodyLines.findIndex((l) => /^###/.test(l));
  if (separator !== -1) return { ok: false, message: 'one http step holds one request; split "###" requests into separate blocks', line: i + 2 + separator };
  while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1]!.trim() === '') bodyLines.pop();
  const body = bodyLines.length > 0 ? bodyLines.join('\n') : undefined;

  let service: string | undefined;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { ok: false, message: `"${target}" is not a valid URL`, line: requestLineNo };
    }
    if (url.protocol !== 'http:') return { ok: false, message: `only http:// URLs can be sent to a service ingress, got ${url.protocol}`, line: requestLineNo };
    service = url.hostname.toLowerCase();
    path = `${url.pathname}${url.search}`;
  } else if (target.startsWith('/')) {
    path = target;
    service = attrs.service ?? headers.find(([n]) => n.toLowerCase() === 'host')?.[1].split(':')[0]?.toLowerCase();
    if (!service) return { ok: false, message: `"${target}" has no host: use http://SERVICE${target}, a Host header or {service=NAME}`, line: requestLineNo };
  } else {
    return { ok: false, message: `"${target}" must be an http://SERVICE/path URL or a /path`, line: requestLineNo };
  }
  if (attrs.service && attrs.service !== service) {
    return { ok: false, message: `the URL names service "${service}" but the block says {service=${attrs.service}}`, line: requestLineNo };
  }
  if (!SERVICE_NAME.test(service)) return { ok: false, message: `"${service}" is not a service name`, line: requestLineNo };
  return { ok: true, value: { method, service, path, headers, ...(body !== undefined ? { body } : {}) } };
}

function isComment(line: string): boolean {
  const t = line.trim();
  return (t.startsWith('#') && !t.startsWith('###')) || t.startsWith('//');
}
