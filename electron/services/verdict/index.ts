/**
 * A session's verdict: gathered (./gather.ts), computed by the pure rules (shared/verdict/), and
 * settled into the record: a `verdict` event each time it says something new, so the timeline
 * shows when the workbench first found the incident reproduced (time to reproduce counts to it).
 */
import { computeVerdict } from '../../../shared/verdict/compute';
import { toRecorded, type SessionVerdict } from '../../../shared/verdict/types';
import { readSessionManifestOf } from '../environments';
import { openRecordDb } from '../record/db';
import { gatherVerdictInputs, type GatherOptions } from './gather';

export { MAX_VERDICT_TRACE_BYTES, type IncidentTraceCache } from './gather';

export interface VerdictOptions extends GatherOptions {
  /** ms since epoch (tests). */
  now?: number;
}

/** The verdict as of now, without recording it. */
export async function computeSessionVerdict(stateDir: string, session: string, opts: VerdictOptions = {}): Promise<SessionVerdict> {
  const db = openRecordDb(stateDir);
  const gathered = await gatherVerdictInputs(stateDir, db, session, opts);
  const computed = computeVerdict(gathered.inputs);
  const latest = db.getSession(session);
  const recorded = latest ? db.computedVerdicts(latest.id).at(-1) : undefined;
  return { session, ...computed, computedAt: opts.now ?? Date.now(), ...(recorded ? { recordEvent: recorded.eventId } : {}) };
}

/**
 * Compute the verdict and keep it in the session's record when it says something new. Returns
 * it with `recordEvent` set to the verdict event that holds it, and whether this call wrote one
 * (callers then tell the UIs: recordChanged).
 */
export async function settleSessionVerdict(stateDir: string, session: string, opts: VerdictOptions = {}): Promise<{ verdict: SessionVerdict; changed: boolean }> {
  const verdict = await computeSessionVerdict(stateDir, session, opts);
  const { record } = readSessionManifestOf(stateDir, session);
  const db = openRecordDb(stateDir);
  const ref = { name: session, bundleId: record.bundleId, createdAt: record.createdAt, bundleRoot: record.bundleRoot, bundleSource: record.bundleSource };
  const { event, changed } = db.recordVerdict(ref, toRecorded(verdict), opts.now !== undefined ? { at: opts.now } : {});
  const { recordEvent: _old, ...rest } = verdict;
  return { verdict: { ...rest, ...(event ? { recordEvent: event.id } : {}) }, changed };
}
