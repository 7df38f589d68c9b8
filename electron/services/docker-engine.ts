import Docker from 'dockerode';
import type { EngineStatus } from '../../shared/api/methods/app';
import { resolveEngine } from './engine-endpoint';

/**
 * The one Dockerode client of a process (Podman Desktop style): every service gets it passed in.
 * Honors DOCKER_HOST (unix://, tcp://, npipe://) like the docker CLI; default is the local socket.
 */
export function createDockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  // DOCKER_CONTEXT, DOCKER_HOST (TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), the CLI's current
  // context, or the default socket: decided from the env given, as the docker CLI does.
  return new Docker(resolveEngine(env).options);
}

export { defaultSocketPath } from './engine-endpoint';

export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return resolveEngine(env).endpoint;
}

/**
 * Ask the engine for its version with a short timeout, so a dead socket gives a clear state
 * instead of a hang. Never throws: the status says why and how to fix it.
 */
export async function engineStatus(docker: Docker, timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env): Promise<EngineStatus> {
  let endpoint: string;
  try {
    endpoint = engineEndpoint(env);
  } catch (err) {
    // a current context that is not in the store, say: the status says so instead of throwing
    return { reachable: false, endpoint: env.DOCKER_CONTEXT ?? env.DOCKER_HOST ?? 'unknown', error: (err as Error).message, hint: 'Check the docker context (docker context ls) or DOCKER_HOST.' };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const version = await Promise.race([
      docker.version(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { reachable: true, version: version.Version, apiVersion: version.ApiVersion, endpoint };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { reachable: false, endpoint, error: `Docker engine at ${endpoint} is not reachable: ${message}`, hint: engineHint(message) };
  } finally {
    clearTimeout(timer);
  }
}

function engineHint(message: string): string {
  if (/EACCES/.test(message)) return 'Add your user to the "docker" group (then log in again), or set DOCKER_HOST to an engine you may use.';
  if (/ENOENT|ECONNREFUSED/.test(message))
    return 'Start the engine: `sudo systemctl start docker` (Linux), Docker Desktop (macOS/Windows), or run `dockerd` in the background; set DOCKER_HOST if it listens elsewhere.';
  return 'Check that the Docker engine is running and that DOCKER_HOST (if set) points at it.';
}
