/**
 * Judging an opened bundle's canary section: reads each metrics file named by the manifest from
 * inside the bundle folder and hands the text to the pure judge in shared/canary.
 * Bundles may be hostile: only regular files (no links) inside the root are read, with a size cap.
 */
import { WorkbenchError } from '../../../shared/api/errors';
import { BundlePathError, readBundleFileSync } from '../bundles/bundle-path';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { importCanaryMetrics, judgeMetricData, DEFAULT_THRESHOLDS, type CanaryJudgement, type MetricData } from '../../../shared/canary/judge';

/** A metrics file is a query result, not a data dump; beyond this it is refused. */
export const MAX_METRICS_FILE_BYTES = 64 * 1024 * 1024;

export class MetricsFileError extends Error {
  override name = 'MetricsFileError';
}

/** Text of a bundle file, or undefined when absent; throws on links, non-files and oversize. */
export function readBundleText(root: string, path: string): string | undefined {
  try {
    return readBundleFileSync(root, path, { maxBytes: MAX_METRICS_FILE_BYTES });
  } catch (err) {
    if (err instanceof BundlePathError) {
      if (err.reason === 'missing') return undefined;
      throw new MetricsFileError(err.message);
    }
    throw err;
  }
}

function requireCanary(manifest: BundleManifest, source: string) {
  if (!manifest.canary) throw new WorkbenchError('invalid_argument', `${source}: the bundle has no "canary" section to judge`);
  return manifest.canary;
}

/** Each metric's canary and baseline series (for charts) plus what the judge needs. */
export function importBundleMetrics(root: string, manifest: BundleManifest, source: string): MetricData[] {
  const canary = requireCanary(manifest, source);
  return importCanaryMetrics(canary, (path) => {
    try {
      return readBundleText(root, path);
    } catch (error) {
      // Surfaces as that metric's Error, with the reason, instead of aborting the whole judgement.
      return JSON.stringify({ status: 'error', errorType: 'unreadable', error: (error as Error).message });
    }
  });
}

export function judgeBundleMetrics(data: readonly MetricData[], manifest: BundleManifest, source: string, noiseSeed?: number): CanaryJudgement {
  const canary = requireCanary(manifest, source);
  return judgeMetricData(data, canary.selectors, canary.groupWeights ?? {}, canary.thresholds ?? DEFAULT_THRESHOLDS, noiseSeed === undefined ? {} : { noiseSeed });
}

export function judgeBundle(root: string, manifest: BundleManifest, source: string): CanaryJudgement {
  return judgeBundleMetrics(importBundleMetrics(root, manifest, source), manifest, source);
}
