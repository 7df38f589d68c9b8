/**
 * Import of Prometheus `/api/v1/query_range` responses (resultType "matrix") and the label
 * selectors that pick the canary's and the baseline's series out of one response.
 * Values arrive as strings; "NaN", "+Inf" and "-Inf" are kept as the numbers they stand for,
 * so the judge can count and explain them instead of losing them at the door.
 */

export interface MetricPoint {
  /** Milliseconds since the Unix epoch. */
  t: number;
  v: number;
}

export interface MetricSeries {
  labels: Record<string, string>;
  points: MetricPoint[];
}

export type LabelSelector = Record<string, string>;

export class MetricImportError extends Error {
  override name = 'MetricImportError';
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Prometheus sample values: decimal strings, plus NaN and signed infinities. */
export function parseSampleValue(text: string): number {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (Number.isNaN(value)) throw new Error(`"${text}" is not a Prometheus sample value`);
  return value;
}

/** Parses a decoded query_range response; `where` names the file in errors. */
export function parsePrometheusMatrix(response: unknown, where: string): MetricSeries[] {
  if (!isObject(response)) throw new MetricImportError(where, 'expected a JSON object (a Prometheus query_range response)');
  if (response.status === 'error') {
    throw new MetricImportError(where, `the response is a Prometheus error: ${String(response.errorType ?? '')} ${String(response.error ?? '')}`.trim());
  }
  if (response.status !== 'success') throw new MetricImportError(where, `"status" must be "success", got ${JSON.stringify(response.status)}`);
  const data = response.data;
  if (!isObject(data)) throw new MetricImportError(where, '"data" must be an object');
  if (data.resultType !== 'matrix') {
    throw new MetricImportError(where, `"data.resultType" must be "matrix" (a range query), got ${JSON.stringify(data.resultType)}`);
  }
  if (!Array.isArray(data.result)) throw new MetricImportError(where, '"data.result" must be an array');

  return data.result.map((entry, i) => {
    const at = `data.result[${i}]`;
    if (!isObject(entry)) throw new MetricImportError(where, `${at} must be an object`);
    const metric = entry.metric ?? {};
    if (!isObject(metric)) throw new MetricImportError(where, `${at}.metric must be an object of labels`);
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(metric)) {
      if (typeof value !== 'string') throw new MetricImportError(where, `${at}.metric.${name} must be a string`);
      labels[name] = value;
    }
    if (!Array.isArray(entry.values)) throw new MetricImportError(where, `${at}.values must be an array of [time, "value"] pairs`);
    const points = entry.values.map((pair, j): MetricPoint => {
      const pat = `${at}.values[${j}]`;
      if (!Array.isArray(pair) || pair.length !== 2) throw new MetricImportError(where, `${pat} must be a [time, "value"] pair`);
      const [time, value] = pair as [unknown, unknown];
      const seconds = typeof time === 'string' ? Number(time) : time;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new MetricImportError(where, `${pat}[0] must be a Unix time in seconds`);
      if (typeof value !== 'string') throw new MetricImportError(where, `${pat}[1] must be the value as a string`);
      try {
        return { t: Math.round(seconds * 1000), v: parseSampleValue(value) };
      } catch (error) {
        throw new MetricImportError(where, `${pat}[1]: ${(error as Error).message}`);
      }
    });
    return { labels, points };
  });
}

/** Parses response text (the content of metrics/*.json). */
export function parsePrometheusText(text: string, where: string): MetricSeries[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    throw new MetricImportError(where, `not valid JSON (${(error as Error).message})`);
  }
  return parsePrometheusMatrix(decoded, where);
}

/** True when every label of the selector is present on the series with the same value. */
export function matchesSelector(labels: Record<string, string>, selector: LabelSelector): boolean {
  for (const [name, value] of Object.entries(selector)) {
    if (labels[name] !== value) return false;
  }
  return true;
}

export function selectSeries(series: readonly MetricSeries[], selector: LabelSelector): MetricSeries[] {
  return series.filter((s) => matchesSelector(s.labels, selector));
}

/** All values of the given series, in series order then time order (samples are pooled). */
export function pooledValues(series: readonly MetricSeries[]): number[] {
  const values: number[] = [];
  for (const s of series) for (const p of s.points) values.push(p.v);
  return values;
}

export function formatSelector(selector: LabelSelector): string {
  return `{${Object.entries(selector)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}
