/**
 * Durations as people type them on a command line: `500ms`, `30s`, `15m`, `2h`, `1d`, or a bare
 * number in the caller's default unit. Undefined for anything else or out of (0, maxMs].
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string, opts: { defaultUnit?: 'ms' | 's' | 'm'; maxMs?: number } = {}): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? opts.defaultUnit ?? 's']!;
  return ms > 0 && ms <= (opts.maxMs ?? Number.MAX_SAFE_INTEGER) ? Math.round(ms) : undefined;
}
