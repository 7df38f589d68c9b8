import { request, type ClientRequest } from 'node:http';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { MANIFEST_DEFAULTS, type ServiceSpec } from '../../../shared/bundle/manifest';
import { execInContainer, lastLogLines } from './docker-streams';
import { httpOrigin } from './host-address';
import { sleepUnlessAborted, throwIfCancelled } from '../abort';

export interface HealthWaitProgress {
  service: string;
  phase: 'waiting' | 'healthy';
  attempt: number;
  elapsedMs: number;
  timeoutMs: number;
  lastError?: string;
}

export interface HealthTarget {
  /** Where the host can reach a container port: published loopback port or the container's IP. */
  address(port: number): { host: string; port: number } | undefined;
}



/**
 * One HTTP GET: undefined when the answer is 2xx or 3xx (redirects are not followed), else why
 * not. node:http, not fetch: the first fetch of a process loads undici (about 40 ms of CPU, on
 * the up's critical path at its first probe), while node:http is loaded already (dockerode).
 * The probe's own timer bounds it and keeps the process alive while a connection the engine's
 * port proxy holds open waits (an unref'd timer did not, and a CLI `up` could exit mid-wait).
 */
export function httpProbe(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (why: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(why);
    };
    const timer = setTimeout(() => {
      settle(`no answer within ${timeoutMs} ms`);
      req?.destroy();
    }, timeoutMs);
    let req: ClientRequest | undefined;
    try {
      req = request(url, { agent: false }, (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
        res.on('end', () => settle(status >= 200 && status < 400 ? undefined : `HTTP ${status}`));
        res.resume();
      });
    } catch (err) {
      // a URL node:http refuses (as fetch did, the probe says why instead of throwing)
      return settle((err as Error).message);
    }
    req.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
    req.end();
  });
}

/** How long a service without a healthcheck must stay running before the up moves on. */
export const NO_HEALTHCHECK_SETTLE_MS = 1000;

/**
 * Wait until the service is running and (when it has one) its healthcheck passes. A container
 * that exits, or a check that keeps failing past timeoutMs, fails the wait with the exit code
 * and the last log lines, so the engineer sees why without digging.
 */
export async function waitUntilReady(
  docker: Docker,
  containerId: string,
  service: ServiceSpec,
  target: HealthTarget,
  onProgress: (p: HealthWaitProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<void> {
  const hc = service.healthcheck;
  const intervalMs = hc?.intervalMs ?? MANIFEST_DEFAULTS.healthIntervalMs;
  const timeoutMs = hc?.timeoutMs ?? MANIFEST_DEFAULTS.healthTimeoutMs;
  const started = Date.now();
  let attempt = 0;
  let lastError: string | undefined;
  for (;;) {
    throwIfCancelled(signal);
    attempt++;
    const info = await docker.getContainer(containerId).inspect();
    if (!info.State.Running) {
      const logs = await lastLogLines(docker, containerId);
      throw new WorkbenchError(
        'internal',
        `Service "${service.name}" exited with code ${info.State.ExitCode} before it was ready${info.State.Error ? ` (${info.State.Error})` : ''}${logs.length ? `; last log lines:\n${logs.join('\n')}` : ''}`,
        { service: service.name, exitCode: info.State.ExitCode, logs },
      );
    }
    if (!hc) {
      // Without a healthcheck, "running" right after start proves little: a process that dies at
      // once (bad config) may not have exited yet. It counts as up once it stayed running a moment.
      const elapsedMs = Date.now() - started;
      if (elapsedMs >= NO_HEALTHCHECK_SETTLE_MS) {
        onProgress({ service: service.name, phase: 'healthy', attempt, elapsedMs, timeoutMs });
        return;
      }
      await sleepUnlessAborted(Math.min(200, NO_HEALTHCHECK_SETTLE_MS - elapsedMs), signal);
      continue;
    }
    // one probe may take a while on a busy machine, but never longer than the whole wait
    const probeTimeout = Math.min(timeoutMs, Math.max(2000, Math.min(intervalMs * 4, 5000)));
    if ('http' in hc) {
      const addr = target.address(hc.http.port);
      lastError = addr ? await httpProbe(`${httpOrigin(addr)}${hc.http.path}`, probeTimeout) : 'no address for the health port';
    } else {
      try {
        const r = await execInContainer(docker, containerId, hc.cmd, { timeoutMs: probeTimeout });
        lastError = r.exitCode === 0 ? undefined : `exit code ${r.exitCode}${r.output.trim() ? `: ${r.output.trim().slice(-200)}` : ''}`;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    const elapsedMs = Date.now() - started;
    if (lastError === undefined) {
      onProgress({ service: service.name, phase: 'healthy', attempt, elapsedMs, timeoutMs });
      return;
    }
    onProgress({ service: service.name, phase: 'waiting', attempt, elapsedMs, timeoutMs, lastError });
    if (elapsedMs + intervalMs > timeoutMs) {
      const logs = await lastLogLines(docker, containerId);
      throw new WorkbenchError(
        'timeout',
        `Service "${service.name}" was not healthy within ${timeoutMs} ms (last check: ${lastError})${logs.length ? `; last log lines:\n${logs.join('\n')}` : ''}`,
        { service: service.name, exitCode: null, lastError, logs },
      );
    }
    await sleepUnlessAborted(intervalMs, signal);
  }
}
