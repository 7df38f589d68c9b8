import type { ProgressEvent } from '../../shared/api/events';
import { formatBytes } from '../../shared/format/bytes';
import type { CliIo } from './command';

/** `--json`: exactly one JSON document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}

/**
 * Progress for long work goes to stderr: one redrawn line on a terminal, plain lines (at most one
 * per second per task, plus the last) elsewhere so CI logs stay readable.
 */
export function progressPrinter(io: CliIo): (p: ProgressEvent) => void {
  const lastPrinted = new Map<string, number>();
  // A terminal line is redrawn at most ten times a second (a max-rate replay reports every answer).
  const every = io.isTTY ? 100 : 1000;
  return (p) => {
    const now = performance.now();
    if (!p.finished && now - (lastPrinted.get(p.task) ?? -Infinity) < every) return;
    lastPrinted.set(p.task, now);
    const pct = p.total ? ` ${Math.floor((100 * p.done) / Math.max(1, p.total))}%` : '';
    const count = p.total !== undefined ? ` (${formatAmount(p.done, p.unit)}/${formatAmount(p.total, p.unit)})` : '';
    const line = `${p.label}${pct}${count}${p.error ? ` — ${p.error}` : ''}`;
    if (io.isTTY) io.stderr(`\r\x1b[2K${line}${p.finished ? '\n' : ''}`);
    else io.stderr(line + '\n');
  };
}

/**
 * For callers whose progress label costs something to build on every event: call `show` only
 * when a line could be printed (the first, the last, and then every 100 ms at most).
 */
export function everyTenthSecond<T>(show: (value: T) => void, isLast: (value: T) => boolean): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const now = performance.now();
    if (!isLast(value) && now - last < 100) return;
    last = now;
    show(value);
  };
}

export function formatAmount(n: number, unit?: ProgressEvent['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : String(n);
}
