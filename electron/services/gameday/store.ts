/**
 * Journals are kept with the session (`<session folder>/gamedays/<run id>.json`): written when
 * the run starts (status "running"), so even a run whose process is killed leaves evidence, and
 * again when it ends. The record gets the finished journal too (kind "gameday").
 */
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { GamedayJournal } from '../../../shared/gameday/journal';
import { recordEvent } from '../record';
import { writeJsonAtomic, type SessionRecord } from '../environments/state-store';

export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$/;

export function journalDir(sessionDir: string): string {
  return join(sessionDir, 'gamedays');
}

export function saveJournal(sessionDir: string, journal: GamedayJournal): void {
  writeJsonAtomic(join(journalDir(sessionDir), `${journal.id}.json`), journal);
}

export interface JournalSummary {
  id: string;
  title: string;
  status: GamedayJournal['status'];
  startedAt: string;
  finishedAt?: string;
}

export async function listJournals(sessionDir: string): Promise<JournalSummary[]> {
  let names: string[];
  try {
    names = await readdir(journalDir(sessionDir));
  } catch {
    return [];
  }
  const out: JournalSummary[] = [];
  for (const n of names) {
    if (!n.endsWith('.json') || !RUN_ID_PATTERN.test(n.slice(0, -5))) continue;
    try {
      const j = JSON.parse(await readFile(join(journalDir(sessionDir), n), 'utf8')) as GamedayJournal;
      out.push({ id: j.id, title: j.title, status: j.status, startedAt: j.startedAt, ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}) });
    } catch {
      // a torn file cannot be listed; the others can
    }
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function readJournal(sessionDir: string, id: string): GamedayJournal {
  if (!RUN_ID_PATTERN.test(id)) throw new WorkbenchError('invalid_argument', `"${id}" is not a game day run id`);
  try {
    return JSON.parse(readFileSync(join(journalDir(sessionDir), `${id}.json`), 'utf8')) as GamedayJournal;
  } catch {
    throw new WorkbenchError('not_found', `no game day ${id} in this session`);
  }
}

/** The record keeps the whole journal; a very long run's samples are thinned to a bound. */
const RECORDED_SAMPLES = 5000;

export function recordJournal(record: Pick<SessionRecord, 'name' | 'bundleId' | 'createdAt'>, journal: GamedayJournal, stateDir: string): void {
  const probes = journal.probes.length > RECORDED_SAMPLES ? journal.probes.filter((_, i) => i % Math.ceil(journal.probes.length / RECORDED_SAMPLES) === 0 || !journal.probes[i]!.ok) : journal.probes;
  recordEvent(
    { name: record.name, bundleId: record.bundleId, createdAt: record.createdAt },
    { kind: 'gameday', at: journal.finishedAt ?? journal.startedAt, data: { ...journal, probes, ...(probes.length !== journal.probes.length ? { notes: [...journal.notes, `probe samples thinned to ${probes.length} of ${journal.probes.length} in the record (all failures kept); the journal file has them all`] } : {}) } },
    { stateDir },
  );
}

/**
 * A run whose process died left its journal "running": after its faults were reverted from the
 * ledger, the journal says so and goes into the record.
 */
export function markInterrupted(sessionDir: string, record: Pick<SessionRecord, 'name' | 'bundleId' | 'createdAt'>, runId: string, stateDir: string, replay: { reverted: Array<{ faultId: string }>; failed: Array<{ faultId: string; target: string; error: string }> }): void {
  let journal: GamedayJournal;
  try {
    journal = readJournal(sessionDir, runId);
  } catch {
    return;
  }
  if (journal.status !== 'running') return;
  const now = new Date();
  journal.status = 'failed';
  journal.finishedAt = now.toISOString();
  journal.durationMs = now.getTime() - Date.parse(journal.startedAt);
  journal.error = `the process running this game day ended before it finished; ${replay.reverted.length} fault(s) reverted from the undo ledger at ${now.toISOString()}`;
  journal.residue = replay.failed.map((f) => ({ target: f.target, what: 'ledger', detail: `${f.faultId} not reverted: ${f.error}` }));
  for (const f of journal.faults) if (!f.revertedAt && replay.reverted.some((r) => r.faultId === `${runId}/${f.id}`)) f.revertedAt = now.toISOString();
  saveJournal(sessionDir, journal);
  recordJournal(record, journal, stateDir);
}
