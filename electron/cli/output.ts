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
  return (p) => {
    const pct = p.total ? ` ${Math.floor((100 * p.done) / Math.max(1, p.total))}%` : '';
    const count = p.total !== undefined ? ` (${formatAmount(p.done, p.unit)}/${formatAmount(p.total, p.unit)})` : '';
    const line = `${p.label}${pct}${count}${p.error ? ` — ${p.error}` : ''}`;
    if (io.isTTY) {
      io.stderr(`\r\x1b[2K${line}${p.finished ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (p.finished || now - (lastPrinted.get(p.task) ?? 0) >= 1000) {
      lastPrinted.set(p.task, now);
      io.stderr(line + '\n');
    }
  };
}

export function formatAmount(n: number, unit?: ProgressEvent['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : String(n);
}
