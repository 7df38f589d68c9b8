/**
 * The undo ledger: before a game day applies a fault, what undoes it is on disk
 * (`<session folder>/gameday-ledger.json`, written atomically and fsynced). If the process
 * running the game day dies (kill -9, a crash, a power cut), the next start of the workbench
 * (either host) and `repro gc` find a ledger whose owner is gone and revert every fault in it
 * that was not reverted yet. Reverts are idempotent, so a fault recorded but never applied (the
 * process died between the two) is "reverted" harmlessly.
 *
 * The ledger also keeps one game day per session: a ledger with a live owner refuses a second.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { FaultKind } from '../../../shared/gameday/scenario';
import { currentProcessIdentity, isProcessAlive, type ProcessIdentity } from '../environments/process-identity';
import { sessionsRoot } from '../environments/session-info';
import { SessionStore, writeJsonAtomic } from '../environments/state-store';
import { AgentControlClient } from './agent-control';
import { revertFault, type Undo } from './faults';
import { markInterrupted } from './store';

export const LEDGER_FILE = 'gameday-ledger.json';

export interface LedgerEntry {
  faultId: string;
  step: string;
  fault: FaultKind;
  target: string;
  undo: Undo;
  /** 'applying' is written before the apply: the fault may or may not be in place. */
  state: 'applying' | 'reverted';
  at: string;
  revertedAt?: string;
}

export interface LedgerDoc {
  version: 1;
  session: string;
  runId: string;
  owner: ProcessIdentity & { host?: string };
  startedAt: string;
  entries: LedgerEntry[];
}

export class UndoLedger {
  private constructor(
    readonly file: string,
    private doc: LedgerDoc,
  ) {}

  /**
   * Take the session's ledger for a run. A ledger of a live owner means a game day is running
   * there now (conflict); one whose owner is gone must have been replayed first (replayLedger).
   */
  static create(sessionDir: string, session: string, runId: string, host?: string): UndoLedger {
    const file = join(sessionDir, LEDGER_FILE);
    const doc: LedgerDoc = { version: 1, session, runId, owner: { ...currentProcessIdentity(), ...(host ? { host } : {}) }, startedAt: new Date().toISOString(), entries: [] };
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const other = readLedger(file);
      if (other && isProcessAlive(other.owner)) throw new WorkbenchError('conflict', `a game day is already running on session "${session}" (run ${other.runId}, pid ${other.owner.pid}); one at a time`, { runId: other.runId });
      throw new WorkbenchError('conflict', `session "${session}" has the ledger of a game day whose process died; run repro gc to revert its faults first`);
    }
    try {
      writeSync(fd, JSON.stringify(doc, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return new UndoLedger(file, doc);
  }

  get entries(): readonly LedgerEntry[] {
    return this.doc.entries;
  }

  /** Written (and on disk) before the fault is applied. */
  willApply(entry: Omit<LedgerEntry, 'state' | 'at'>): void {
    this.doc.entries.push({ ...entry, state: 'applying', at: new Date().toISOString() });
    this.flush();
  }

  /**
   * Marked without waiting for the disk: losing this mark in a crash only means the revert is
   * replayed, and reverts are idempotent. (What must be durable is the entry before an apply.)
   */
  reverted(faultId: string): void {
    const e = this.doc.entries.find((x) => x.faultId === faultId);
    if (!e || e.state === 'reverted') return;
    e.state = 'reverted';
    e.revertedAt = new Date().toISOString();
    this.flush(false);
  }

  pending(): LedgerEntry[] {
    return this.doc.entries.filter((e) => e.state !== 'reverted');
  }

  /** The run is over and everything is reverted: the ledger goes. */
  close(): void {
    if (this.pending().length > 0) return; // keep it: gc must finish the job
    rmSync(this.file, { force: true });
  }

  private flush(durable = true): void {
    if (durable) writeJsonAtomic(this.file, this.doc);
    else {
      // still whole-or-nothing (temp + rename), just not fsynced
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.doc, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, this.file);
    }
  }
}

export function readLedger(file: string): LedgerDoc | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LedgerDoc;
  } catch {
    return undefined;
  }
}

export interface LedgerReplay {
  session: string;
  runId: string;
  reverted: Array<{ faultId: string; fault: FaultKind; target: string }>;
  failed: Array<{ faultId: string; fault: FaultKind; target: string; error: string }>;
}

/**
 * Revert what a dead game day left applied in one session. Returns undefined when there is no
 * ledger or its owner still runs. A revert that fails stays in the ledger for the next try.
 */
export async function replayLedger(docker: Docker, stateDir: string, session: string): Promise<LedgerReplay | undefined> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const dir = store.dir(session);
  const file = join(dir, LEDGER_FILE);
  if (!existsSync(file)) return undefined;
  const doc = readLedger(file);
  if (doc && isProcessAlive(doc.owner)) return undefined;
  const out: LedgerReplay = { session, runId: doc?.runId ?? '?', reverted: [], failed: [] };
  const record = store.read(session);
  if (!doc || !record) {
    rmSync(file, { force: true });
    return out;
  }
  const pending = doc.entries.filter((e) => e.state !== 'reverted');
  // The agent reverted the dead run's proxy and fixtures faults when its connection closed;
  // asking again covers an agent that has not noticed yet.
  const agent = pending.some((e) => e.undo.kind === 'agent') ? await AgentControlClient.connect(dir, 1500).catch(() => undefined) : undefined;
  try {
    for (const e of [...pending].reverse()) {
      try {
        await revertFault(e.undo, { docker, session, record, store, ...(agent ? { agent } : {}) });
        e.state = 'reverted';
        e.revertedAt = new Date().toISOString();
        out.reverted.push({ faultId: e.faultId, fault: e.fault, target: e.target });
      } catch (err) {
        const gone = (err as { statusCode?: number }).statusCode === 404;
        if (gone) {
          // the container is gone (session down): nothing left to revert
          e.state = 'reverted';
          continue;
        }
        out.failed.push({ faultId: e.faultId, fault: e.fault, target: e.target, error: (err as Error).message });
      }
    }
  } finally {
    agent?.close();
  }
  if (out.failed.length === 0) rmSync(file, { force: true });
  else writeJsonAtomic(file, doc);
  markInterrupted(dir, record, doc.runId, stateDir, out);
  return out;
}

/** Every session's leftover ledger (hosts at start, `repro gc`). */
export async function replayOrphanedLedgers(docker: Docker, stateDir: string): Promise<LedgerReplay[]> {
  const store = new SessionStore(sessionsRoot(stateDir));
  const out: LedgerReplay[] = [];
  for (const name of store.names()) {
    if (!existsSync(join(store.dir(name), LEDGER_FILE))) continue;
    const r = await replayLedger(docker, stateDir, name).catch((err: Error) => ({ session: name, runId: '?', reverted: [], failed: [{ faultId: '?', fault: 'kill' as FaultKind, target: '?', error: err.message }] }));
    if (r) out.push(r);
  }
  return out;
}
