/**
 * Runbooks: the user's editable copy of a bundle's runbook (workspace.ts, atomic saves and
 * history) and running its steps against a session (runner.ts).
 */
import { BundlePathError, readBundleFile } from '../bundles/bundle-path';
import { readBundleManifest, runReplay } from '../replay';
import type { ReplayRunner } from './runner';
import { readRunbook } from './workspace';

export { runRunbook, type RunRunbookOptions, type ReplayRunner } from './runner';
export { openRunbookWorkspace, readRunbook, resetRunbook, saveRunbook, listVersions, readVersion, workspaceFor, workspaceId, type RunbookDocument, type RunbookVersion, type SaveResult } from './workspace';

/** The largest runbook the editor takes (runbook.save's limit). */
const MAX_RUNBOOK_BYTES = 5_000_000 * 3;

/** The bundle's own runbook.md, or null when it has none; a link or a non-file is refused. */
export async function bundleRunbookText(bundleRoot: string): Promise<string | null> {
  try {
    return await readBundleFile(bundleRoot, 'runbook.md', { encoding: 'utf8', maxBytes: MAX_RUNBOOK_BYTES });
  } catch (e) {
    if (e instanceof BundlePathError && e.reason === 'missing') return null;
    throw e;
  }
}

/**
 * Which runbook a run uses: the user's edited copy of this very bundle's runbook (`workspace`,
 * from workspaceId) when there is one that differs from the bundle's, else the bundle's.
 */
export async function runbookToRun(stateDir: string, workspace: string, bundleRoot: string, opts: { bundleVersion?: boolean } = {}): Promise<{ text: string; source: 'workspace' | 'bundle' } | null> {
  const text = await bundleRunbookText(bundleRoot);
  if (!opts.bundleVersion) {
    const doc = await readRunbook(stateDir, workspace).catch(() => null);
    if (doc && doc.text !== text) return { text: doc.text, source: 'workspace' };
  }
  return text === null ? null : { text, source: 'bundle' };
}

/** `replay` steps run the replay area's runReplay against the session's own bundle (saved and recorded like any replay). */
export function sessionReplayRunner(stateDir: string): ReplayRunner {
  return async ({ session, mode, concurrency, signal }) => {
    const report = await runReplay({
      session,
      bundle: { root: session.bundleRoot, manifest: readBundleManifest(session.bundleRoot) },
      ...(mode ? { mode } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(signal ? { signal } : {}),
      recordStateDir: stateDir,
    });
    return report as unknown as Awaited<ReturnType<ReplayRunner>>;
  };
}

