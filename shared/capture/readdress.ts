/**
 * Re-addressing recorded traffic to the services of a bundle. Replay sends a request to the
 * service named by its URL's host, so a request recorded at a host port
 * (`http://127.0.0.1:49153/checkout`) becomes `http://checkout:8080/checkout`: the service that
 * published that port, at the container port behind it. A host that is neither a service nor a
 * published port goes to the ingress service when one is given. Path and query stay byte for byte.
 */
import { pathAndQuery } from '../replay/request';

export interface PublishedPort {
  hostPort: number;
  service: string;
  containerPort: number;
}

export interface ReaddressRules {
  /** Service names of the bundle (hosts that are already right). */
  services: readonly string[];
  /** Host ports the services published, and the container port behind each. */
  published: readonly PublishedPort[];
  /** Where traffic for any other host goes (`--ingress SERVICE[:PORT]`). */
  ingress?: { service: string; port: number };
}

export interface ReaddressSummary {
  /** Origins rewritten: `http://127.0.0.1:49153` -> `http://checkout:8080`, with a count. */
  moved: { from: string; to: string; why: string; count: number }[];
  /** Origins left alone because nothing says which service they belong to. */
  unresolved: { origin: string; count: number }[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function portOf(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** Where one recorded origin goes, or undefined when it stays (already a service, or unknown). */
export function targetOrigin(origin: string, rules: ReaddressRules): { to: string; why: string } | { unresolved: true } | undefined {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return { unresolved: true };
  }
  const host = u.hostname.toLowerCase();
  if (rules.services.includes(host)) return undefined;
  const port = portOf(u);
  const owner = rules.published.find((p) => p.hostPort === port);
  if (owner) return { to: `http://${owner.service}:${owner.containerPort}`, why: `host port ${port} is published by ${owner.service} (container port ${owner.containerPort})` };
  if (rules.ingress) return { to: `http://${rules.ingress.service}:${rules.ingress.port}`, why: `sent to the ingress ${rules.ingress.service}` };
  return { unresolved: true };
}

/** Rewrite every `request.url` of a parsed HAR (a deep copy is returned). */
export function readdressHar(doc: unknown, rules: ReaddressRules): { har: unknown; summary: ReaddressSummary } {
  const har = structuredClone(doc);
  const moved = new Map<string, { from: string; to: string; why: string; count: number }>();
  const unresolved = new Map<string, number>();
  const entries = isObj(har) && isObj(har.log) && Array.isArray(har.log.entries) ? har.log.entries : [];
  for (const entry of entries) {
    if (!isObj(entry) || !isObj(entry.request) || typeof entry.request.url !== 'string') continue;
    let split: { origin: string; path: string };
    try {
      split = pathAndQuery(entry.request.url);
    } catch {
      continue; // not a URL: the HAR reader will say so
    }
    const target = targetOrigin(split.origin, rules);
    if (!target) continue;
    if ('unresolved' in target) {
      unresolved.set(split.origin, (unresolved.get(split.origin) ?? 0) + 1);
      continue;
    }
    entry.request.url = target.to + split.path;
    const m = moved.get(split.origin);
    if (m) m.count++;
    else moved.set(split.origin, { from: split.origin, to: target.to, why: target.why, count: 1 });
  }
  return { har, summary: { moved: [...moved.values()], unresolved: [...unresolved.entries()].map(([origin, count]) => ({ origin, count })) } };
}
