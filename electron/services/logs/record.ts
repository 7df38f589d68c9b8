import type Docker from 'dockerode';
import type { LogComparison } from '../../../shared/logs/compare';
import { openRecordDb } from '../record/db';
import { resolveSessionRef } from '../record/session-ref';

/** How many "new" templates the record keeps (the rest are counted). */
const NEW_KEPT = 50;

/**
 * Puts a logs comparison into the session's record, as evidence for "did it reproduce?" (the
 * report prints it). Recording never fails the comparison: an error is said on stderr.
 * Returns the event id, or undefined when it could not be recorded.
 */
export async function recordLogComparison(engine: { docker: Docker; stateDir: string }, session: string, incidentSource: string, result: LogComparison): Promise<number | undefined> {
  try {
    const db = openRecordDb(engine.stateDir);
    const ref = await resolveSessionRef(engine.docker, engine.stateDir, db, session);
    const data = { incidentSource, ...result, new: result.new.slice(0, NEW_KEPT), newTemplates: result.new.length };
    return db.recordEvent(ref, { kind: 'logs', data }).id;
  } catch (err) {
    process.stderr.write(`repro: could not record the logs comparison for ${session}: ${(err as Error).message}\n`);
    return undefined;
  }
}
