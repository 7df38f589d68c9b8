/**
 * Replay as the hosts and the CLI use it: run against a session, keep the report with the session
 * (replays/<id>.json) and in its record (kind 'replay'; M10 is `successRate`), suggest noise.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { bundleManifestSchema, type BundleManifest } from '../../../shared/bundle/manifest';
import { suggestNoise, type NoiseSuggestions } from '../../../shared/replay/noise';
import type { ReplayReport } from '../../../shared/replay/report';
import { getSession, type SessionInfo } from '../environments/session-info';
import { recordEvent } from '../record';
import { executeReplay, type ExecuteReplayOptions, type ReplayProgress, type ReplaySessionLike } from './engine';
import { readAcceptedNoise, saveReplay } from './store';
import { readBundleFileSync, MAX_MANIFEST_BYTES } from '../bundles/bundle-path';

export type { ReplayProgress } from './engine';

export interface RunReplayOptions extends Omit<ExecuteReplayOptions, 'session' | 'extraNoise'> {
  session: ReplaySessionLike & { stateDir: string; bundleId?: string; createdAt?: string };
  /** Where the record database lives (default: the workbench state folder). */
  recordStateDir?: string;
  /** Keep the report in the session record (default true). */
  record?: boolean;
}

/** The summary the session record keeps of one replay. */
export function recordData(report: ReplayReport) {
  return {
    replayId: report.id,
    mode: report.mode,
    concurrency: report.concurrency,
    total: report.total,
    sent: report.sent,
    matched: report.matched,
    mismatched: report.mismatched,
    errors: report.errors,
    successRate: report.successRate,
    cancelled: report.cancelled,
    skipped: report.skipped.length,
    bodiesNotRecorded: report.bodiesNotRecorded,
    notices: report.notices,
    latency: { recordedP50: report.latency.recorded.p50, replayedP50: report.latency.replayed.p50, recordedP99: report.latency.recorded.p99, replayedP99: report.latency.replayed.p99, verdict: report.latency.judgement.verdict },
    mismatches: report.results
      .filter((r) => r.outcome !== 'matched')
      .slice(0, 50)
      .map((r) => ({ index: r.index, method: r.method, url: r.url, outcome: r.outcome, status: r.status, recordedStatus: r.recordedStatus, ...(r.error ? { error: r.error } : {}) })),
  };
}

export async function runReplay(opts: RunReplayOptions): Promise<ReplayReport> {
  const accepted = await readAcceptedNoise(opts.session.stateDir);
  const { report, bodies } = await executeReplay({ ...opts, extraNoise: accepted });
  await saveReplay(opts.session.stateDir, { report, bodies });
  if (opts.record !== false) {
    recordEvent(
      { name: opts.session.name, ...(opts.session.bundleId ? { bundleId: opts.session.bundleId } : {}), ...(opts.session.createdAt ? { createdAt: opts.session.createdAt } : {}) },
      { kind: 'replay', at: report.finishedAt, data: recordData(report) },
      opts.recordStateDir ? { stateDir: opts.recordStateDir } : {},
    );
  }
  return report;
}

export function readBundleManifest(bundleRoot: string): BundleManifest {
  try {
    return bundleManifestSchema.parse(JSON.parse(readBundleFileSync(bundleRoot, 'bundle.json', { maxBytes: MAX_MANIFEST_BYTES })));
  } catch (err) {
    throw new WorkbenchError('bundle_invalid', `cannot read the session's bundle at ${bundleRoot}: ${(err as Error).message}`);
  }
}

/** A running session and its bundle, or a clear error saying why replay cannot run. */
export async function sessionForReplay(docker: Docker, stateDir: string, name: string): Promise<{ session: SessionInfo; manifest: BundleManifest }> {
  const session = await getSession(docker, stateDir, name);
  if (session.engineError) throw new WorkbenchError('unavailable', `${session.engineError.error}${session.engineError.hint ? `. ${session.engineError.hint}` : ''}`);
  if (session.phase !== 'running') throw new WorkbenchError('conflict', `session "${name}" is ${session.phase}, not running (repro up first)`);
  return { session, manifest: readBundleManifest(session.bundleRoot) };
}

export async function replaySession(
  docker: Docker,
  stateDir: string,
  name: string,
  opts: Omit<RunReplayOptions, 'session' | 'bundle'> & { onProgress?: (p: ReplayProgress) => void },
): Promise<ReplayReport> {
  const { session, manifest } = await sessionForReplay(docker, stateDir, name);
  return runReplay({ ...opts, recordStateDir: opts.recordStateDir ?? stateDir, session, bundle: { root: session.bundleRoot, manifest } });
}

/**
 * Run the replay twice (max rate, nothing saved or recorded) and propose noise paths for fields
 * that differ between the two runs themselves. Proposals only: acceptNoise() stores what the
 * user picks.
 */
export async function suggestNoiseFor(opts: Omit<ExecuteReplayOptions, 'extraNoise' | 'mode'> & { session: ReplaySessionLike & { stateDir: string } }): Promise<NoiseSuggestions & { noise: string[] }> {
  const accepted = await readAcceptedNoise(opts.session.stateDir);
  const first = await executeReplay({ ...opts, mode: 'max', extraNoise: accepted, keepResponses: true });
  if (opts.signal?.aborted) throw new WorkbenchError('cancelled', 'noise suggestion cancelled');
  const second = await executeReplay({ ...opts, mode: 'max', extraNoise: accepted, keepResponses: true });
  return { ...suggestNoise(first.responses, second.responses, first.report.noise.jsonPaths), noise: first.report.noise.jsonPaths };
}
