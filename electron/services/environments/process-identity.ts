import { readFileSync } from 'node:fs';

/**
 * A process is identified by pid AND start time: pids are reused, so "pid 4711 is alive" alone
 * does not prove that the owner of a session is still the process we started.
 */
export interface ProcessIdentity {
  pid: number;
  /** Opaque start marker (Linux: /proc/<pid>/stat starttime); absent where the OS gives none. */
  startTime?: string;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); starttime is field 22.
    return rest[19];
  } catch {
    return undefined;
  }
}

export function currentProcessIdentity(): ProcessIdentity {
  const startTime = processStartTime(process.pid);
  return startTime ? { pid: process.pid, startTime } : { pid: process.pid };
}

export function isProcessAlive(id: ProcessIdentity | undefined): boolean {
  if (!id || !Number.isInteger(id.pid) || id.pid <= 0) return false;
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    // EPERM: exists but belongs to someone else -> not ours, but alive; treat as alive only if start matches below
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (id.startTime === undefined) return true;
  const now = processStartTime(id.pid);
  // A zombie or an OS without /proc: fall back to the kill(0) answer.
  if (now === undefined) return process.platform !== 'linux';
  return now === id.startTime;
}
