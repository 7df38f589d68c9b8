import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { removeStaleTempFiles, writeFileAtomic } from '../atomic-write';
import { withPathLock } from './path-lock';

/**
 * A user's editable copy of a bundle's runbook. Bundles stay read-only, so edits live here, one
 * folder per bundle (its incident id and bundle.json digest: another bundle of the same incident,
 * a recapture or a colleague's variant, starts from its own runbook.md) under the state folder,
 * made on the first real edit (opening a bundle writes nothing):
 *   bundle.md     the bundle's own runbook, kept for comparison
 *   runbook.md    the working copy (atomic writes only)
 *   history/      earlier saves, <ms>-<seq>.md, newest N kept
 */
export interface RunbookWorkspace {
  bundleId: string;
  dir: string;
  runbookPath: string;
  bundlePath: string;
  historyDir: string;
}

export interface RunbookVersion {
  id: string;
  savedAt: number;
  size: number;
}

export interface RunbookDocument {
  /** The workspace's id (workspaceId(): incident id and manifest digest). */
  bundleId: string;
  text: string;
  /** True when there is a working copy and it differs from the bundle's runbook. */
  edited: boolean;
  /** The bundle's own runbook (empty when the bundle has none). */
  bundleText: string;
  /** Changes whenever the working copy changes; pass it back to save to detect a concurrent edit. */
  revision: string;
  versions: RunbookVersion[];
}

export interface WorkspaceOptions {
  /** How many earlier versions to keep. */
  keepVersions?: number;
  /**
   * Saves closer together than this (a burst of autosaves while typing) replace each other
   * instead of each filling a history slot.
   */
  coalesceMs?: number;
  now?: () => number;
}

const DEFAULTS = { keepVersions: 50, coalesceMs: 10_000 };

export function workspaceFor(stateDir: string, bundleId: string): RunbookWorkspace {
  if (!bundleId || bundleId.length > 500) throw new WorkbenchError('invalid_argument', `bundle id must be 1-500 characters, got ${JSON.stringify(bundleId)}`);
  const dir = join(stateDir, 'runbooks', folderName(bundleId));
  return { bundleId, dir, runbookPath: join(dir, 'runbook.md'), bundlePath: join(dir, 'bundle.md'), historyDir: join(dir, 'history') };
}

/** A folder name that is safe on every OS and still unique per id (a digest suffix whenever the id had to change). */
export function folderName(bundleId: string): string {
  const safe = bundleId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
  if (safe === bundleId) return safe;
  return `${safe}-${createHash('sha256').update(bundleId).digest('hex').slice(0, 12)}`;
}

/** The workspace of one bundle: its incident id and the digest of its exact bundle.json. */
export function workspaceId(incidentId: string, manifestText: string): string {
  return `${incidentId}@${createHash('sha256').update(manifestText).digest('hex').slice(0, 16)}`;
}

export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The workspace of a bundle as it stands: the working copy when the user has edited one, else the
 * bundle's runbook (`bundleRunbook`, null when it has none). Writes nothing: a copy is made only
 * by a save that changes something.
 */
export async function openRunbookWorkspace(stateDir: string, bundleId: string, bundleRunbook: string | null): Promise<RunbookDocument> {
  const ws = workspaceFor(stateDir, bundleId);
  return withPathLock(ws.runbookPath, async () => {
    const bundleText = bundleRunbook ?? '';
    // temp files of a writer that died mid-save go (a folder that does not exist has none)
    await removeStaleTempFiles(ws.dir).catch(() => undefined);
    await removeStaleTempFiles(ws.historyDir).catch(() => undefined);
    const copy = await readOptional(ws.runbookPath);
    if (copy !== null && (await readOptional(ws.bundlePath)) !== bundleText) await writeFileAtomic(ws.bundlePath, bundleText);
    const text = copy ?? bundleText;
    return { bundleId, text, bundleText, edited: copy !== null && copy !== bundleText, revision: revisionOf(text), versions: await listVersionsUnlocked(ws) };
  });
}

/** The working copy; not_found when the user has not edited this bundle's runbook. */
export async function readRunbook(stateDir: string, bundleId: string): Promise<RunbookDocument> {
  const ws = workspaceFor(stateDir, bundleId);
  const text = await readOptional(ws.runbookPath);
  if (text === null) throw new WorkbenchError('not_found', `no edited copy of the runbook of ${bundleId}`);
  const bundleText = (await readOptional(ws.bundlePath)) ?? '';
  return { bundleId, text, bundleText, edited: text !== bundleText, revision: revisionOf(text), versions: await listVersionsUnlocked(ws) };
}

/** Forget the working copy and its history: the bundle's runbook is the one again. */
export async function resetRunbook(stateDir: string, bundleId: string): Promise<{ reset: boolean }> {
  const ws = workspaceFor(stateDir, bundleId);
  return withPathLock(ws.runbookPath, async () => {
    const existed = (await readOptional(ws.runbookPath)) !== null;
    await rm(ws.dir, { recursive: true, force: true });
    return { reset: existed };
  });
}

export interface SaveResult {
  revision: string;
  savedAt: number;
  /** False when the text equalled what was saved already. */
  changed: boolean;
  versions: RunbookVersion[];
}

/**
 * Save the working copy atomically. The previous content goes to the history first (unless it
 * was itself saved moments ago, see coalesceMs). With `baseRevision`, a save based on an older
 * copy than the one on disk is refused with `conflict` rather than silently overwriting it.
 */
export async function saveRunbook(stateDir: string, bundleId: string, text: string, opts: WorkspaceOptions & { baseRevision?: string; bundleText?: string } = {}): Promise<SaveResult> {
  const ws = workspaceFor(stateDir, bundleId);
  const now = opts.now ?? Date.now;
  const keep = opts.keepVersions ?? DEFAULTS.keepVersions;
  const coalesceMs = opts.coalesceMs ?? DEFAULTS.coalesceMs;
  return withPathLock(ws.runbookPath, async () => {
    await mkdir(ws.historyDir, { recursive: true });
    const current = await readOptional(ws.runbookPath);
    if (opts.baseRevision !== undefined && current !== null && revisionOf(current) !== opts.baseRevision && current !== text) {
      throw new WorkbenchError('conflict', `the runbook of ${bundleId} changed since it was loaded (revision ${revisionOf(current)}, edit based on ${opts.baseRevision}); reload it`, {
        revision: revisionOf(current),
      });
    }
    const savedAt = now();
    // saving the bundle's own text when there is no copy yet makes none (nothing was edited)
    if (current === null && opts.bundleText !== undefined && text === opts.bundleText) return { revision: revisionOf(text), savedAt, changed: false, versions: [] };
    if (current === text) return { revision: revisionOf(text), savedAt, changed: false, versions: await listVersionsUnlocked(ws) };
    if (current !== null && current !== '') {
      const lastSaved = (await stat(ws.runbookPath)).mtimeMs;
      const bundleText = await readOptional(ws.bundlePath);
      const burst = savedAt - lastSaved < coalesceMs && (await listVersionsUnlocked(ws)).length > 0;
      if (!burst && current !== bundleText) await pushVersion(ws, current, savedAt);
    }
    if (current === null && opts.bundleText !== undefined) await writeFileAtomic(ws.bundlePath, opts.bundleText);
    await writeFileAtomic(ws.runbookPath, text);
    await pruneVersions(ws, keep);
    return { revision: revisionOf(text), savedAt, changed: true, versions: await listVersionsUnlocked(ws) };
  });
}

export async function listVersions(stateDir: string, bundleId: string): Promise<RunbookVersion[]> {
  return listVersionsUnlocked(workspaceFor(stateDir, bundleId));
}

export async function readVersion(stateDir: string, bundleId: string, versionId: string): Promise<string> {
  if (!/^\d{13}-\d{4}$/.test(versionId)) throw new WorkbenchError('invalid_argument', `"${versionId}" is not a runbook version id`);
  const ws = workspaceFor(stateDir, bundleId);
  const text = await readOptional(join(ws.historyDir, `${versionId}.md`));
  if (text === null) throw new WorkbenchError('not_found', `runbook version ${versionId} of ${bundleId} does not exist (it may have been pruned)`);
  return text;
}

async function pushVersion(ws: RunbookWorkspace, text: string, at: number): Promise<void> {
  const existing = await listVersionsUnlocked(ws);
  const stamp = String(Math.floor(at)).padStart(13, '0');
  const seq = existing.filter((v) => v.id.startsWith(`${stamp}-`)).length;
  await writeFileAtomic(join(ws.historyDir, `${stamp}-${String(seq).padStart(4, '0')}.md`), text);
}

async function pruneVersions(ws: RunbookWorkspace, keep: number): Promise<void> {
  const versions = await listVersionsUnlocked(ws);
  for (const v of versions.slice(keep)) await rm(join(ws.historyDir, `${v.id}.md`), { force: true });
}

/** Newest first. */
async function listVersionsUnlocked(ws: RunbookWorkspace): Promise<RunbookVersion[]> {
  let names: string[];
  try {
    names = await readdir(ws.historyDir);
  } catch {
    return [];
  }
  const versions: RunbookVersion[] = [];
  for (const name of names) {
    const m = /^(\d{13})-(\d{4})\.md$/.exec(name);
    if (!m) continue;
    const s = await stat(join(ws.historyDir, name)).catch(() => null);
    if (s) versions.push({ id: `${m[1]}-${m[2]}`, savedAt: Number(m[1]), size: s.size });
  }
  return versions.sort((a, b) => (a.id < b.id ? 1 : -1));
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
