import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { getSession } from '../environments/session-info';
import type { RecordDb, SessionRef } from './db';

/**
 * What to record a user action (note, mark) against: the live session when it exists (so a
 * first action starts a record that knows its bundle), else the record of that name; a name
 * that is neither is a mistake worth an error rather than a stray record.
 */
export async function resolveSessionRef(docker: Docker, stateDir: string, db: RecordDb, name: string): Promise<SessionRef> {
  const live = await getSession(docker, stateDir, name).catch(() => null);
  if (live) return { name: live.name, bundleId: live.bundleId, createdAt: live.createdAt, bundleRoot: live.bundleRoot, bundleSource: live.bundleSource };
  if (db.getSession(name)) return name;
  throw new WorkbenchError('not_found', `no session and no record named "${name}" (see repro status and repro record stats)`);
}
