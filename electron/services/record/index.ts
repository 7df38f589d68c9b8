import { stateDir } from '../paths';
import { openRecordDb, type NewEvent, type RecordOptions, type SessionRef } from './db';

export { RecordDb, openRecordDb, closeRecordDbs, contextFromManifest, type NewEvent, type SessionRef, type RecordOptions } from './db';

/**
 * The one line other areas call after an action, e.g.
 *   recordEvent(session, { kind: 'replay', data: report })
 * Recording must never break the action it records, so failures go to stderr and are swallowed.
 */
export function recordEvent(session: SessionRef, event: NewEvent, opts: RecordOptions & { stateDir?: string } = {}): void {
  try {
    openRecordDb(opts.stateDir ?? stateDir()).recordEvent(session, event, opts);
  } catch (err) {
    process.stderr.write(`repro: could not record ${event.kind} for ${typeof session === 'string' ? session : session.name}: ${(err as Error).message}\n`);
  }
}
