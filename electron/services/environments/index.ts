/**
 * Environments: bring a verified bundle's services up in the local engine as captured, and
 * everything around a running session (status, logs, drift, exec, down, gc).
 * The CLI, the web host and Electron's main all call these same functions.
 */
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ProgressEvent } from '../../../shared/api/events';
import { openBundle, type OpenedBundle } from '../bundles/open';
import { DigestCache } from '../bundles/digest-cache';
import { requireSignatureFromSettings } from '../bundles/limits';
import { verifyBundle } from '../bundles/verify';
import { configDir } from '../paths';
import type { SecretSources } from './secrets';
import { upSession, type UpReport } from './up';
import { WorkbenchError } from '../../../shared/api/errors';
import { readSessionManifest, sessionsRoot } from './session-info';
import { SessionStore } from './state-store';
import { clientEndpoint, engineEndpoint, requireEngine } from '../docker-engine';
import { engineId } from './runtime/engine-guard';
import type { RuntimeKind } from './runtime';
import { timed } from '../timing';

export { upSession, defaultSessionName, sessionDrift, type UpReport } from './up';
export { downSession, gcSessions, type DownReport, type GcReport } from './down';
export { orphanReason } from './state-store';
export { listSessions, getSession, describeSession, requireEngine, sessionsRoot, type SessionInfo, type ServiceInfo, type ServiceHealth } from './session-info';
export { streamLogs, type StreamLogsOptions } from './logs';
export { execInService, restartService, stopService } from './service-control';
export { resolveSecrets, secretNeeds, SECRET_ENV_PREFIX, type SecretSources, type SecretNeed } from './secrets';
export type { SessionPlugin, SessionPluginContext, SessionPluginHandle } from './session-plugin';
export type { DriftItem } from './drift';

/** The verification `up` demands: integrity problems (and an untrusted signature when keys are given) block it. */
export function verifyGate(opts: { keys?: string[]; trustedKeysDir?: string; requireSignature?: boolean; onProgress?: (p: ProgressEvent) => void; signal?: AbortSignal; digestCache?: DigestCache } = {}) {
  return async (opened: OpenedBundle): Promise<{ problems: string[]; summary: Record<string, unknown>; note?: string }> => {
    const report = await verifyBundle(opened, {
      ...(opts.digestCache ? { digestCache: opts.digestCache } : {}),
      ...(opts.keys?.length ? { keys: opts.keys } : {}),
      // the signature policy: without a trusted signature the up does not start
      ...(opts.requireSignature ? { requireTrusted: true } : {}),
      ...(opts.trustedKeysDir ? { trustedKeysDir: opts.trustedKeysDir } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.({ task: 'up:verify', label: 'Verifying bundle', done: p.done, total: p.total, unit: 'bytes', ...(p.done === p.total ? { finished: true } : {}) }),
    });
    const problems = report.ok ? [] : report.problems.length ? report.problems.map((p) => p.message) : ['bundle did not verify'];
    // what the postmortem report shows under "Verification"
    const summary = { ok: report.ok, signature: report.signature, files: report.files, problems: report.problems, warnings: report.warnings };
    const reused = report.files.reused ?? 0;
    const note = reused
      ? `${reused} of ${report.files.checked} files unchanged since they were last verified (same size, times and inode): their digests were reused`
      : undefined;
    return { problems, summary, ...(note ? { note } : {}) };
  };
}

export interface UpFromPathOptions {
  bundlePath: string;
  session?: string;
  secrets: SecretSources;
  docker: Docker;
  stateDir: string;
  keys?: string[];
  trustedKeysDir?: string;
  onProgress?: (p: ProgressEvent) => void;
  env?: NodeJS.ProcessEnv;
  /** Cancels the up (unpacking, verification, creation): nothing is left behind. */
  signal?: AbortSignal;
  /** Let the containers reach the internet, the LAN and this machine (sealed otherwise). */
  allowEgress?: boolean;
  /** Refuse a bundle no trusted key signed; also on when settings.json says bundles.requireSignature. */
  requireSignature?: boolean;
  /** Folder of settings.json (the signature policy); default the config folder of `env`. */
  settingsDir?: string;
  /** Where the session runs (default local); swarm takes replicas and a registry. */
  runtime?: RuntimeKind;
  replicas?: Record<string, number>;
  registry?: string;
  /** Where the session's containers reach the agent (an address of this machine); checked by the up. */
  advertiseHost?: string;
}

/**
 * Open (an archive is unpacked under the state folder, where it stays for the session's life:
 * replay and the agent read it), verify, and bring up.
 */
export async function upFromPath(opts: UpFromPathOptions): Promise<UpReport> {
  const signal = opts.signal;
  // The engine's round trip goes on while the bundle is opened and verified (up awaits it before
  // the first engine resource, as before).
  const engineReady = requireEngine(opts.docker);
  engineReady.catch(() => {}); // awaited by upSession; a bundle error may come first
  void engineId(opts.docker); // asked once per client: up finds it answered
  const requireSignature = opts.requireSignature || (await requireSignatureFromSettings(opts.settingsDir ?? configDir(opts.env ?? process.env)));
  const opened = await timed('up: open the bundle', () => openBundle(opts.bundlePath, {
    workDir: join(opts.stateDir, 'bundles'),
    ...(signal ? { signal } : {}),
    ...(opts.onProgress ? { onUnpackProgress: (p: { done: number; total: number }) => opts.onProgress!({ task: 'up:unpack', label: 'Unpacking the bundle', done: p.done, total: p.total, unit: 'bytes', ...(p.done === p.total ? { finished: true } : {}) }) } : {}),
  }));
  try {
    return await upSession({
      opened,
      engineReady,
      verify: verifyGate({
        // `repro up` of a bundle verified before hashes only what changed since (and says so)
        digestCache: new DigestCache(join(opts.stateDir, 'verified-digests.json')),
        ...(opts.keys ? { keys: opts.keys } : {}),
        ...(opts.trustedKeysDir ? { trustedKeysDir: opts.trustedKeysDir } : {}),
        ...(requireSignature ? { requireSignature } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(signal ? { signal } : {}),
      }),
      ...(opts.allowEgress ? { allowEgress: true } : {}),
      ...(opts.advertiseHost ? { advertiseHost: opts.advertiseHost } : {}),
      runtime: {
        kind: opts.runtime ?? 'local',
        endpoint: clientEndpoint(opts.docker) ?? engineEndpoint(opts.env ?? process.env),
        ...(opts.replicas && Object.keys(opts.replicas).length ? { replicas: opts.replicas } : {}),
        ...(opts.registry ? { registry: opts.registry } : {}),
      },
      ...(signal ? { signal } : {}),
      ...(opts.session ? { session: opts.session } : {}),
      secrets: opts.secrets,
      docker: opts.docker,
      stateDir: opts.stateDir,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
  } catch (err) {
    await opened.dispose();
    throw err;
  }
}

/** A session's record and its bundle's manifest (undefined when the bundle folder is gone). */
export function readSessionManifestOf(stateDir: string, session: string) {
  const record = new SessionStore(sessionsRoot(stateDir)).read(session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${session}" (see repro status)`);
  return { record, manifest: readSessionManifest(record) };
}
