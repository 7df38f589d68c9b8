/**
 * Log levels as one small number each, so a million lines keep theirs in a Uint8Array. Every
 * exporter spells them differently (INFO, info, I, "warning", pino's 30, OTLP's severityNumber 9);
 * all of them land on these seven.
 */
export const LEVEL_NAMES = ['unknown', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];
export const Level = { unknown: 0, trace: 1, debug: 2, info: 3, warn: 4, error: 5, fatal: 6 } as const;
export type LevelCode = (typeof Level)[LevelName];

const BY_WORD: Record<string, LevelCode> = {
  trace: 1, finest: 1, finer: 1, verbose: 1,
  debug: 2, fine: 2, dbg: 2, d: 2,
  info: 3, information: 3, informational: 3, notice: 3, i: 3, config: 3,
  warn: 4, warning: 4, w: 4,
  error: 5, err: 5, severe: 5, e: 5,
  fatal: 6, critical: 6, crit: 6, alert: 6, emerg: 6, emergency: 6, panic: 6, dpanic: 6, f: 6,
};

// The same few spellings repeat on every line: remember what each raw string meant.
const seen = new Map<string, LevelCode>();

/** A level as written by a logger: a word in any case ("WARN", "Warning"), maybe with a suffix (slog's "INFO+2"). */
export function levelFromText(text: string): LevelCode {
  const hit = seen.get(text);
  if (hit !== undefined) return hit;
  const word = /^[A-Za-z]+/.exec(text.trim())?.[0]?.toLowerCase() ?? '';
  const code = BY_WORD[word] ?? Level.unknown;
  if (seen.size < 1000) seen.set(text, code);
  return code;
}

/** OpenTelemetry's severityNumber (1-4 TRACE ... 21-24 FATAL). */
export function levelFromSeverityNumber(n: number): LevelCode {
  if (!(n >= 1 && n <= 24)) return Level.unknown;
  return Math.min(6, Math.floor((n - 1) / 4) + 1) as LevelCode;
}

/** A numeric level field: pino/bunyan (10 trace ... 60 fatal), else OTLP's severity number. */
export function levelFromNumber(n: number): LevelCode {
  if (n >= 10 && n <= 60 && n % 10 === 0) return (n / 10) as LevelCode;
  return levelFromSeverityNumber(n);
}

export function levelName(code: number): LevelName {
  return LEVEL_NAMES[code] ?? 'unknown';
}

export function isErrorLevel(code: number): boolean {
  return code >= Level.error;
}

/**
 * A plain text line's level, when it says one near its start: "ERROR ...", "[warn] ...",
 * "level=error", nginx's "2024/01/01 12:00:00 [error] ...". Lines that say nothing are unknown.
 */
const TEXT_LEVEL = /(?:^|[\s[(|:=])(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|PANIC|EMERG|ALERT|trace|debug|info|notice|warn(?:ing)?|error|err|fatal|crit(?:ical)?|panic|emerg|alert)(?=[\s\]):|,]|$)/;

export function levelInText(line: string): LevelCode {
  const head = line.length > 120 ? line.slice(0, 120) : line;
  const m = TEXT_LEVEL.exec(head);
  return m ? levelFromText(m[1]!) : Level.unknown;
}
