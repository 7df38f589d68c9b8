/**
 * Reading a bundle's HAR files. Only files the manifest lists are read (the manifest pins their
 * digests; an unlisted file fails verification anyway), always inside the bundle root.
 */
import { WorkbenchError } from '../../../shared/api/errors';
import { readBundleFile } from '../bundles/bundle-path';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { HarParseError, orderEntries, parseHar, type HarEntry } from '../../../shared/replay/har';

export function listedHarFiles(manifest: BundleManifest, folder: 'traffic' | 'fixtures'): string[] {
  return manifest.files
    .map((f) => f.path)
    .filter((p) => p.startsWith(`${folder}/`) && p.endsWith('.har') && !p.slice(folder.length + 1).includes('/'))
    .sort();
}

export async function loadHarFiles(bundleRoot: string, files: string[]): Promise<HarEntry[][]> {
  const out: HarEntry[][] = [];
  const problems: HarParseError['problems'] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readBundleFile(bundleRoot, file, { encoding: 'utf8' });
    } catch (err) {
      throw new WorkbenchError('bundle_invalid', `${file}: cannot read (${(err as Error).message})`);
    }
    try {
      out.push(parseHar(text, file));
    } catch (err) {
      if (!(err instanceof HarParseError)) throw err;
      for (const p of err.problems) problems.push(p);
    }
  }
  if (problems.length) {
    throw new WorkbenchError('bundle_invalid', `HAR problems:\n${problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`).join('\n')}`, {
      problems: problems.map((p) => ({ code: 'har_invalid', path: p.file, message: `${p.path}: ${p.message}` })),
    });
  }
  return out;
}

/** The replay source: every traffic/*.har entry in startedDateTime order. */
export async function loadTraffic(bundleRoot: string, manifest: BundleManifest): Promise<HarEntry[]> {
  return orderEntries(await loadHarFiles(bundleRoot, listedHarFiles(manifest, 'traffic')));
}
