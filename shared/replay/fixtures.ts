/**
 * Matching requests that services send to external dependencies against `fixtures/*.har`.
 * A recorded exchange matches on method, host, path, query and body; how strictly the query and
 * body are compared is configurable. When several recorded exchanges match, they are served in
 * recorded order and the last one repeats (a dependency called twice answers as it did twice).
 */
import { bytesEqual, tryStrictUtf8 } from './bytes';
import type { HarEntry } from './har';
import { diffJson } from './json-diff';
import { NoiseMatcher } from './jsonpath';

export interface FixtureMatchOptions {
  /** `exact`: byte for byte; `unordered` (default): the same parameters in any order. */
  query: 'exact' | 'unordered';
  /** `auto` (default): JSON as data when both are JSON, else bytes; `exact`: bytes; `ignore`. */
  body: 'auto' | 'exact' | 'ignore';
}

export const DEFAULT_FIXTURE_MATCH: FixtureMatchOptions = { query: 'unordered', body: 'auto' };

export interface IncomingFixtureRequest {
  method: string;
  /** Host name (no port), from the absolute request URL or the Host header. */
  host: string;
  /** Path and query as sent, e.g. `/v1/carts/a/authorizations?x=1`. */
  target: string;
  body: Uint8Array;
}

/** A request no recording matched (answered 502), as logged for the session and shown in the UI. */
export interface UnmatchedRequest {
  at: string;
  method: string;
  host: string;
  target: string;
  reason: string;
  closest?: string;
  /** First 2 KiB of the body as text, for the person reading the log. */
  bodyPreview?: string;
}

export interface FixtureMiss {
  /** Why the closest recorded exchange did not match, for the unmatched log. */
  reason: string;
  closest?: string;
}

const noNoise = new NoiseMatcher([]);

function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

function sameQuery(a: string, b: string, mode: FixtureMatchOptions['query']): boolean {
  if (mode === 'exact') return a === b;
  const norm = (q: string) => [...new URLSearchParams(q)].map(([k, v]) => `${k}=${v}`).sort().join('&');
  return norm(a) === norm(b);
}

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  const t = tryStrictUtf8(bytes);
  if (t === undefined || t.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

function sameBody(recorded: Uint8Array | null, got: Uint8Array, mode: FixtureMatchOptions['body']): boolean {
  if (mode === 'ignore') return true;
  const rec = recorded ?? new Uint8Array(0);
  if (bytesEqual(rec, got)) return true;
  if (mode === 'exact') return false;
  const a = parseJson(rec);
  const b = parseJson(got);
  return a.ok && b.ok && diffJson(a.value, b.value, noNoise, 1).total === 0;
}

export class FixtureBook {
  private readonly served = new Map<number, number>();
  constructor(
    readonly entries: HarEntry[],
    readonly options: FixtureMatchOptions = DEFAULT_FIXTURE_MATCH,
  ) {}

  /** Distinct recorded hosts with the ports they were called on. */
  hosts(): { host: string; port: number; https: boolean }[] {
    const seen = new Map<string, { host: string; port: number; https: boolean }>();
    for (const e of this.entries) {
      const u = new URL(e.request.url);
      const https = u.protocol === 'https:';
      const port = u.port ? Number(u.port) : https ? 443 : 80;
      seen.set(`${u.hostname}:${port}`, { host: u.hostname.toLowerCase(), port, https });
    }
    return [...seen.values()].sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port);
  }

  match(req: IncomingFixtureRequest): { entry: HarEntry; index: number } | { miss: FixtureMiss } {
    const { path, query } = splitTarget(req.target);
    const candidates: number[] = [];
    let closest: { score: number; why: string; url: string } | undefined;
    this.entries.forEach((e, i) => {
      const u = new URL(e.request.url);
      const checks: [boolean, string][] = [
        [u.hostname.toLowerCase() === req.host.toLowerCase(), `host ${u.hostname}`],
        [e.request.method === req.method.toUpperCase(), `method ${e.request.method}`],
        [u.pathname === path, `path ${u.pathname}`],
        [sameQuery(u.search.replace(/^\?/, ''), query, this.options.query), `query ${u.search || '(none)'}`],
        [sameBody(e.request.body, req.body, this.options.body), 'body'],
      ];
      const failed = checks.filter(([ok]) => !ok);
      if (failed.length === 0) candidates.push(i);
      else {
        const score = checks.findIndex(([ok]) => !ok) * 10 - failed.length;
        if (!closest || score > closest.score) closest = { score, why: failed.map(([, w]) => w).join(', '), url: `${e.request.method} ${e.request.url}` };
      }
    });
    if (candidates.length === 0) {
      return { miss: closest ? { reason: `closest recording differs in: ${closest.why}`, closest: closest.url } : { reason: 'no fixtures recorded' } };
    }
    // Serve matching recordings in order; the last one repeats.
    const key = candidates[0]!;
    const n = this.served.get(key) ?? 0;
    this.served.set(key, n + 1);
    const index = candidates[Math.min(n, candidates.length - 1)]!;
    return { entry: this.entries[index]!, index };
  }
}
