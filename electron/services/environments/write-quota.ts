import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How much a session's containers may make the agent write to disk (the OTLP receiver's files,
 * the fixtures stub's log): a session must not be able to fill the host's disk.
 */
export interface WriteQuotaLimits {
  maxBytes: number;
  maxFiles: number;
}

/** Received telemetry a session may keep: generous for a repro, far from a full disk. */
export const OTLP_SESSION_QUOTA: WriteQuotaLimits = { maxBytes: 2 * 1024 ** 3, maxFiles: 100_000 };
/** The fixtures stub's unmatched-request log (one file). */
export const FIXTURES_LOG_QUOTA: WriteQuotaLimits = { maxBytes: 16 * 1024 * 1024, maxFiles: 1 };

/**
 * A running total against limits. `reserve` is synchronous, so concurrent requests in one
 * process cannot both pass the check and together exceed the limit.
 */
export class WriteQuota {
  usedBytes = 0;
  usedFiles = 0;
  constructor(readonly limits: WriteQuotaLimits) {}

  /** Start from what a folder already holds (regular files directly in it). */
  static forFolder(dir: string, limits: WriteQuotaLimits): WriteQuota {
    const q = new WriteQuota(limits);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // no folder yet: nothing used
    }
    for (const n of names) {
      try {
        const st = statSync(join(dir, n));
        if (!st.isFile()) continue;
        q.usedBytes += st.size;
        q.usedFiles++;
      } catch {
        // vanished meanwhile
      }
    }
    return q;
  }

  /** Start from the size of one file (absent: empty), e.g. an append-only log. */
  static forFile(file: string, limits: WriteQuotaLimits): WriteQuota {
    const q = new WriteQuota(limits);
    try {
      q.usedBytes = statSync(file).size;
    } catch {
      // not written yet
    }
    return q;
  }

  /** Take `bytes` (and `files`) from the quota; false, taking nothing, when they do not fit. */
  reserve(bytes: number, files = 0): boolean {
    if (this.usedBytes + bytes > this.limits.maxBytes || this.usedFiles + files > this.limits.maxFiles) return false;
    this.usedBytes += bytes;
    this.usedFiles += files;
    return true;
  }

  /** Give back what a failed write had reserved. */
  release(bytes: number, files = 0): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
    this.usedFiles = Math.max(0, this.usedFiles - files);
  }

  describe(): string {
    return `${this.usedBytes} of ${this.limits.maxBytes} bytes, ${this.usedFiles} of ${this.limits.maxFiles} files`;
  }
}
