import type { BundleManifest } from '../../../shared/bundle/manifest';
import { importTraceBytes } from '../../../shared/traces/detect';
import { summarize } from '../../../shared/traces/summary';
import { judgeBundle } from '../canary/judge-bundle';
import { readTraceFiles } from '../traces/files';

/** Above this many bytes of traces, findings are left to `repro traces` (an up must stay quick). */
const MAX_TRACE_BYTES_FOR_FINDINGS = 64 * 1024 * 1024;

/**
 * What the incident's own evidence says, in the flat form the report prints: the canary judge's
 * verdict with its failing metrics, and the traces' summary with the longest trace's critical
 * path. Recorded when a session comes up, so a postmortem report cites them beside the repro.
 * Each part is independent: one that cannot be computed is left out, never failing the caller.
 */
export async function bundleFindings(root: string, manifest: BundleManifest, source: string): Promise<{ canary?: Record<string, unknown>; traces?: Record<string, unknown> }> {
  const out: { canary?: Record<string, unknown>; traces?: Record<string, unknown> } = {};
  if (manifest.canary?.metrics.length) {
    try {
      const j = judgeBundle(root, manifest, source);
      out.canary = {
        verdict: j.verdict,
        score: j.score,
        reason: j.reason,
        metrics: j.metrics.map((m) => `${m.name}: ${m.classification}${m.critical ? ' (critical)' : ''}`),
        notPassing: j.metrics.filter((m) => m.classification !== 'Pass').map((m) => `${m.name}: ${m.reason}`),
      };
    } catch {
      // a canary section that cannot be judged is reported by `repro judge`, not by an up
    }
  }
  const traceBytes = manifest.files.filter((f) => f.path.startsWith('traces/')).reduce((n, f) => n + f.size, 0);
  if (traceBytes > 0 && traceBytes <= MAX_TRACE_BYTES_FOR_FINDINGS) {
    try {
      const found = await readTraceFiles(root);
      const s = summarize(importTraceBytes(found.files).set);
      out.traces = {
        traces: s.traces,
        spans: s.spans,
        errorSpans: s.errorSpans,
        services: s.services,
        ...(s.longestTrace
          ? {
              longestTrace: `${s.longestTrace.traceId} (${s.longestTrace.durationMs.toFixed(1)} ms)`,
              criticalPath: s.longestTrace.criticalPath.map((e) => `${e.service} ${e.name}: ${e.selfMs.toFixed(1)} ms self`),
            }
          : {}),
      };
    } catch {
      // unreadable traces are `repro traces`' to explain
    }
  }
  return out;
}
