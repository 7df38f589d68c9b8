import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors';
import { currentProcessIdentity, isProcessAlive, type ProcessIdentity } from './environments/process-identity';

/** Who holds a session lock: a process (pid + start time), which host, which operation. */
export interface LockOwner extends ProcessIdentity {
  host: string;
  op?: string;
  /** e.g. "a replay" */
  what: string;
  since: string;
}

export interface SessionLock {
  readonly path: string;
  release(): void;
}

const lockPath = (sessionDir: string, kind: string) => join(sessionDir, `${kind}.lock`);
/** A lock file with no readable owner younger than this is being written by its creator. */
const UNREADABLE_GRACE_MS = 5000;

/**
 * Per-session exclusivity across processes (the CLI and the UI cannot both run a replay of one
 * session): `<session folder>/<kind>.lock`, created with O_EXCL and holding its owner. A lock
 * whose owner process is gone (killed, crashed) is taken over.
 */
export function acquireSessionLock(sessionDir: string, kind: string, owner: Omit<LockOwner, keyof ProcessIdentity | 'since'>): SessionLock {
  const path = lockPath(sessionDir, kind);
  const me: LockOwner = { ...currentProcessIdentity(), ...owner, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new WorkbenchError('not_found', `the session folder ${sessionDir} does not exist`);
      if (code !== 'EEXIST') throw err;
      const holder = readLockOwner(path);
      if (holder === 'busy' || (holder && isProcessAlive(holder))) {
        const who = holder === 'busy' ? 'another process' : holder.host === 'cli' ? `the repro CLI, pid ${holder.pid}` : `the ${holder.host} workbench, pid ${holder.pid}`;
        throw new WorkbenchError('conflict', `${owner.what} of this session is already running (${who}); stop it first`, holder === 'busy' ? undefined : { holder });
      }
      rmSync(path, { force: true }); // its owner is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        const holder = readLockOwner(path);
        if (holder && holder !== 'busy' && holder.pid === me.pid && holder.since === me.since && holder.op === me.op) rmSync(path, { force: true });
      },
    };
  }
  throw new WorkbenchError('conflict', `${owner.what} of this session: could not take the lock ${path}`);
}

/** The live owner of a session lock, if any. */
export function sessionLockOwner(sessionDir: string, kind: string): LockOwner | undefined {
  const holder = readLockOwner(lockPath(sessionDir, kind));
  return holder && holder !== 'busy' && isProcessAlive(holder) ? holder : undefined;
}

function readLockOwner(path: string): LockOwner | 'busy' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as LockOwner;
    if (Number.isInteger(parsed.pid)) return parsed;
  } catch {
    // being written right now, or torn by a crash: decide by its age
  }
  try {
    return Date.now() - statSync(path).mtimeMs < UNREADABLE_GRACE_MS ? 'busy' : undefined;
  } catch {
    return undefined;
  }
}
