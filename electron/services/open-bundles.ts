import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors';
import type { OpenedBundleInfo, RecentBundle } from '../../shared/api/methods/bundle';
import { throwIfCancelled } from './abort';
import { writeFileAtomic } from './atomic-write';
import { bundleFileExists, listBundleFolder } from './bundles/bundle-path';
import { openBundle, type OpenBundleOptions, type OpenedBundle } from './bundles/open';
import { areaState, atShutdown, type Workbench } from './workbench';

/**
 * Bundles the UI has open, by handle. Every API method that works on "the current bundle" takes
 * its handle and resolves it here, so the renderer never sends folder paths back and forth.
 */
interface Registry {
  byHandle: Map<string, { opened: OpenedBundle; info: OpenedBundleInfo }>;
}

const registry = (wb: Workbench) =>
  areaState<Registry>(wb, 'open-bundles', () => {
    const reg: Registry = { byHandle: new Map() };
    // On app quit and `repro serve` shutdown every open bundle goes, with its unpacked folder.
    atShutdown(wb, () => closeAllOpenBundles(wb));
    return reg;
  });

export async function openBundleForUi(
  wb: Workbench,
  path: string,
  opts: Pick<OpenBundleOptions, 'signal' | 'onUnpackProgress' | 'limits'> = {},
): Promise<OpenedBundleInfo> {
  const source = resolve(path);
  const reg = registry(wb);
  const opened = await openBundle(source, { ...opts, settingsDir: wb.configDir });
  let info: OpenedBundleInfo;
  try {
    info = {
      handle: randomUUID(),
      source,
      root: opened.root,
      packed: opened.packed,
      manifest: opened.manifest,
      contents: await listContents(opened.root),
    };
    // Cancelled (or superseded by another open) at the last moment: nobody will close this one.
    throwIfCancelled(opts.signal, 'opening the bundle was cancelled');
  } catch (err) {
    await opened.dispose();
    throw err;
  }
  reg.byHandle.set(info.handle, { opened, info });
  await rememberRecent(wb, { path: source, title: opened.manifest.incident.title, incidentId: opened.manifest.incident.id, openedAt: new Date().toISOString() });
  return info;
}

export function getOpenBundle(wb: Workbench, handle: string): OpenedBundle {
  const entry = registry(wb).byHandle.get(handle);
  if (!entry) throw new WorkbenchError('not_found', `No open bundle with handle ${handle}; open it again`);
  return entry.opened;
}

export async function closeOpenBundle(wb: Workbench, handle: string): Promise<boolean> {
  const entry = registry(wb).byHandle.get(handle);
  if (!entry) return false;
  registry(wb).byHandle.delete(handle);
  await entry.opened.dispose();
  return true;
}

/** Close every open bundle (shutdown): unpacked archives are removed. */
export async function closeAllOpenBundles(wb: Workbench): Promise<void> {
  const reg = registry(wb);
  const all = [...reg.byHandle.values()];
  reg.byHandle.clear();
  await Promise.all(all.map((e) => e.opened.dispose().catch(() => undefined)));
}

export function openBundleCount(wb: Workbench): number {
  return registry(wb).byHandle.size;
}

/** What the bundle holds, for the UI; a linked or odd entry counts as absent here (verify reports it). */
async function listContents(root: string): Promise<OpenedBundleInfo['contents']> {
  const list = async (dir: string, ext: string) =>
    listBundleFolder(root, dir).then(
      (files) => files.filter((f) => f.name.endsWith(ext)).map((f) => `${dir}/${f.name}`),
      () => [],
    );
  const exists = async (p: string) => bundleFileExists(root, p).catch(() => false);
  return {
    traces: await list('traces', '.json'),
    logs: await list('logs', '.jsonl'),
    metrics: await list('metrics', '.json'),
    traffic: await list('traffic', '.har'),
    fixtures: await list('fixtures', '.har'),
    runbook: await exists('runbook.md'),
    signed: await exists('attestations/bundle.dsse.json'),
  };
}

const recentFile = (wb: Workbench) => join(wb.stateDir, 'recent-bundles.json');
const MAX_RECENT = 10;

export async function recentBundles(wb: Workbench): Promise<RecentBundle[]> {
  try {
    const data = JSON.parse(await readFile(recentFile(wb), 'utf8')) as unknown;
    return Array.isArray(data) ? (data as RecentBundle[]).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

async function rememberRecent(wb: Workbench, entry: RecentBundle): Promise<void> {
  const list = [entry, ...(await recentBundles(wb)).filter((r) => r.path !== entry.path)].slice(0, MAX_RECENT);
  try {
    await mkdir(wb.stateDir, { recursive: true });
    await writeFileAtomic(recentFile(wb), JSON.stringify(list, null, 2) + '\n');
  } catch {
    // the recent list is a convenience: failing to save it must not fail opening the bundle
  }
}
