/**
 * Where the time of long work goes: steps are recorded as standard performance measures (the
 * process-wide timeline Node keeps anyway), so services need no timer passed around and cost
 * nothing when nobody looks. `REPRO_TRACE_TIMING=1` makes the CLI print them as a table.
 */

/** Run `fn` as the step `name` (steps may overlap: they run in parallel). */
export async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

/** Record a step that started at `start` (a performance.now() reading) and ends now. */
export function timedSince(name: string, start: number): void {
  performance.measure(name, { start, end: performance.now() });
}

/** The recorded steps in start order: when each began (ms since the process started) and how long it took. */
export function timingTable(): string {
  const rows = performance.getEntriesByType('measure').sort((a, b) => a.startTime - b.startTime || b.duration - a.duration);
  if (!rows.length) return 'no timed steps\n';
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  const lines = [`${'step'.padEnd(width)}  ${'start ms'.padStart(9)}  ${'took ms'.padStart(8)}`];
  for (const r of rows) lines.push(`${r.name.padEnd(width)}  ${r.startTime.toFixed(1).padStart(9)}  ${r.duration.toFixed(1).padStart(8)}`);
  return lines.join('\n') + '\n';
}
