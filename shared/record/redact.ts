/**
 * Secret values must never reach the record (it outlives sessions and feeds reports). Anything
 * recorded passes through here: values of variables named as secrets are replaced wherever they
 * appear (object fields, `NAME=value` lines such as `env` output), and known secret values are
 * replaced inside any string.
 */
export const REDACTED = '[redacted]';

export interface RedactionRules {
  /** Secret names from the manifest (e.g. PAYMENT_KEY). */
  names?: readonly string[];
  /** Actual values known to the caller (read from the running containers); never stored. */
  values?: readonly string[];
}

export function redact<T>(data: T, rules: RedactionRules): T {
  const names = new Set((rules.names ?? []).filter(Boolean));
  // Very short values would blank out unrelated text; they are still redacted where they are a whole field.
  const values = [...new Set((rules.values ?? []).filter((v) => v.length > 0))].sort((a, b) => b.length - a.length);
  const assignment = names.size > 0 ? new RegExp(`\\b(${[...names].map(escapeRegExp).join('|')})(\\s*[=:]\\s*)("[^"\\n]*"|'[^'\\n]*'|[^\\s"',;&]*)`, 'g') : null;
  const scrubString = (s: string): string => {
    let out = s;
    for (const v of values) {
      if (v.length >= 4) out = out.split(v).join(REDACTED);
      else if (out === v) out = REDACTED;
    }
    if (assignment) out = out.replace(assignment, (_m, name: string, sep: string, value: string) => (value === REDACTED || value === '' ? `${name}${sep}${value}` : `${name}${sep}${REDACTED}`));
    return out;
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key !== undefined && names.has(key) ? REDACTED : scrubString(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    return value;
  };
  return walk(data) as T;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
