/**
 * Whether one probe answer meets its expectations: status (default any 2xx), latency bound,
 * JSONPath values (every match equal, at least one match), a body substring. Pure.
 */
import { queryJsonPath } from '../runbook/json-path';
import type { Probe } from './scenario';

export interface ProbeAnswer {
  status: number;
  latencyMs: number;
  body: string;
}

export function probeFailures(probe: Probe, answer: ProbeAnswer): string[] {
  const e = probe.expect ?? {};
  const out: string[] = [];
  const statuses = e.status === undefined ? undefined : Array.isArray(e.status) ? e.status : [e.status];
  if (statuses ? !statuses.includes(answer.status) : answer.status < 200 || answer.status > 299) out.push(`status ${answer.status}, expected ${statuses ? statuses.join(' or ') : '2xx'}`);
  if (e.maxLatencyMs !== undefined && answer.latencyMs > e.maxLatencyMs) out.push(`latency ${Math.round(answer.latencyMs)} ms, expected at most ${e.maxLatencyMs} ms`);
  if (e.bodyContains !== undefined && !answer.body.includes(e.bodyContains)) out.push(`body does not contain ${JSON.stringify(e.bodyContains)}`);
  const paths = Object.entries(e.json ?? {});
  if (paths.length > 0) {
    let doc: unknown;
    try {
      doc = JSON.parse(answer.body);
    } catch {
      out.push('body is not JSON');
      return out;
    }
    for (const [path, want] of paths) {
      const got = queryJsonPath(doc, path);
      if (got.length === 0) out.push(`${path} not found`);
      else {
        const bad = got.findIndex((v) => v !== want);
        if (bad >= 0) out.push(`${path} is ${JSON.stringify(got[bad])}, expected ${JSON.stringify(want)}`);
      }
    }
  }
  return out;
}
