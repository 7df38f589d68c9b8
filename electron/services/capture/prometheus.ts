/**
 * `--prometheus URL --metric NAME=PROMQL`: one `/api/v1/query_range` per metric, written as the
 * response itself (the bundle's metrics format), after checking it is a matrix. An error answer,
 * a refused connection or something that is not Prometheus is one clear message naming the
 * server and the query.
 */
import { WorkbenchError } from '../../../shared/api/errors';

export interface MetricQuery {
  name: string;
  query: string;
  direction: 'increase' | 'decrease' | 'either';
}

export interface PrometheusCapture {
  url: string;
  metrics: MetricQuery[];
  /** RFC 3339. */
  from: string;
  to: string;
  stepSeconds: number;
  canarySelector?: Record<string, string>;
  baselineSelector?: Record<string, string>;
}

const TIMEOUT_MS = 60_000;

/** `NAME=PROMQL` or `NAME:DIRECTION=PROMQL` (direction increase|decrease|either, default increase). */
export function parseMetricFlag(flag: string): MetricQuery {
  const eq = flag.indexOf('=');
  const head = eq === -1 ? '' : flag.slice(0, eq);
  const query = eq === -1 ? '' : flag.slice(eq + 1).trim();
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)(?::(increase|decrease|either))?$/.exec(head);
  if (!m || !query) throw new WorkbenchError('invalid_argument', `--metric "${flag}": expected NAME=PROMQL or NAME:increase|decrease|either=PROMQL`);
  return { name: m[1]!, query, direction: (m[2] as MetricQuery['direction'] | undefined) ?? 'increase' };
}

export async function queryRange(cfg: Pick<PrometheusCapture, 'url' | 'from' | 'to' | 'stepSeconds'>, metric: MetricQuery, signal?: AbortSignal): Promise<Buffer> {
  const base = cfg.url.replace(/\/+$/, '');
  const params = new URLSearchParams({ query: metric.query, start: cfg.from, end: cfg.to, step: String(cfg.stepSeconds) });
  const url = `${base}/api/v1/query_range?${params}`;
  const where = `Prometheus at ${base} (metric ${metric.name}: ${metric.query})`;
  let res: Response;
  try {
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    if (signal?.aborted) throw new WorkbenchError('cancelled', 'Capture cancelled');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WorkbenchError('unavailable', `${where}: no answer (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  const body = Buffer.from(await res.arrayBuffer());
  let doc: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WorkbenchError('unavailable', `${where}: answered HTTP ${res.status} with something that is not Prometheus JSON (${body.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ')})`);
  }
  if (doc.status !== 'success') {
    throw new WorkbenchError('invalid_argument', `${where}: answered ${doc.errorType ?? `HTTP ${res.status}`}: ${doc.error ?? 'no error message'}`);
  }
  if (doc.data?.resultType !== 'matrix' || !Array.isArray(doc.data.result)) {
    throw new WorkbenchError('invalid_argument', `${where}: expected a matrix from query_range, got ${doc.data?.resultType ?? 'no data'}`);
  }
  return body;
}
