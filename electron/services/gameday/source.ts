/**
 * Where a scenario comes from: a file of its own, or a bundle's `gamedays/*.yaml` (listed in the
 * manifest's `files` like everything else, so its bytes are pinned by the manifest's digest and
 * checked before use: a bundle may be hostile).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { MAX_SCENARIO_BYTES, parseScenarioText, type ScenarioProblem } from '../../../shared/gameday/validate';
import type { Scenario } from '../../../shared/gameday/scenario';
import { readBundleFile } from '../bundles/bundle-path';
import { isArchiveName, openBundle, type OpenedBundle } from '../bundles/open';

export const GAMEDAY_FOLDER = 'gamedays';

export interface ScenarioText {
  /** e.g. "gamedays/pricing-outage.yaml of bundle INC-2041" or a file path. */
  label: string;
  text: string;
}

export interface BundleScenario {
  /** The file name without its extension: what --scenario takes. */
  name: string;
  path: string;
  sha256: string;
  size: number;
}

/** The game-day scenarios a bundle lists (`gamedays/<name>.yaml|.yml|.json`). */
export function bundleScenarios(manifest: BundleManifest): BundleScenario[] {
  return manifest.files
    .filter((f) => f.path.startsWith(`${GAMEDAY_FOLDER}/`) && /^[^/]+\.(ya?ml|json)$/i.test(f.path.slice(GAMEDAY_FOLDER.length + 1)))
    .map((f) => ({ name: basename(f.path).replace(/\.(ya?ml|json)$/i, ''), path: f.path, sha256: f.sha256, size: f.size }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A listed scenario's text, read inside the bundle (no link followed) and checked against its digest. */
export async function readBundleScenario(root: string, manifest: BundleManifest, name: string): Promise<ScenarioText> {
  const all = bundleScenarios(manifest);
  const entry = all.find((s) => s.name === name || s.path === name);
  if (!entry) throw new WorkbenchError('not_found', `bundle ${manifest.incident.id} has no game day "${name}"${all.length ? ` (it has: ${all.map((s) => s.name).join(', ')})` : ' (it lists no gamedays/*.yaml)'}`);
  if (entry.size > MAX_SCENARIO_BYTES) throw new WorkbenchError('bundle_invalid', `${entry.path} is larger than ${MAX_SCENARIO_BYTES} bytes`);
  // inside the bundle, no link followed, no more than it says it is
  const bytes = await readBundleFile(root, entry.path, { maxBytes: MAX_SCENARIO_BYTES });
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256 || bytes.length !== entry.size) throw new WorkbenchError('bundle_invalid', `${entry.path} does not match its digest in bundle.json (changed after the bundle was made)`);
  return { label: `${entry.path} of bundle ${manifest.incident.id}`, text: bytes.toString('utf8') };
}

export type LoadedScenario = { ok: true; scenario: Scenario; source: ScenarioText } | { ok: false; problems: ScenarioProblem[]; source: ScenarioText };

export function parseScenarioSource(source: ScenarioText): LoadedScenario {
  const parsed = parseScenarioText(source.text);
  return parsed.ok ? { ok: true, scenario: parsed.scenario, source } : { ok: false, problems: parsed.problems, source };
}

/**
 * FILE or BUNDLE (folder with bundle.json, or an archive): the scenario's text. A bundle with one
 * scenario needs no name; with several, `scenario` picks one.
 */
export async function readScenarioFrom(path: string, opts: { scenario?: string; workDir: string }): Promise<ScenarioText> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new WorkbenchError('not_found', `no scenario or bundle at ${path}`);
  const isBundle = st.isDirectory() || isArchiveName(abs);
  if (!isBundle) {
    if (opts.scenario) throw new WorkbenchError('invalid_argument', '--scenario picks a game day of a bundle; this is a scenario file');
    if (st.size > MAX_SCENARIO_BYTES) throw new WorkbenchError('invalid_argument', `${path} is larger than ${MAX_SCENARIO_BYTES} bytes; not a scenario`);
    return { label: path, text: await readFile(abs, 'utf8') };
  }
  let opened: OpenedBundle | undefined;
  try {
    opened = await openBundle(abs, { workDir: opts.workDir });
    const all = bundleScenarios(opened.manifest);
    const name = opts.scenario ?? (all.length === 1 ? all[0]!.name : undefined);
    if (!name) throw new WorkbenchError('invalid_argument', all.length ? `bundle ${opened.manifest.incident.id} has ${all.length} game days; pick one with --scenario (${all.map((s) => s.name).join(', ')})` : `bundle ${opened.manifest.incident.id} lists no gamedays/*.yaml`);
    return await readBundleScenario(opened.root, opened.manifest, name);
  } finally {
    await opened?.dispose();
  }
}
