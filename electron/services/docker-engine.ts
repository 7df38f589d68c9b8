import type Docker from 'dockerode';
import Module, { createRequire } from 'node:module';
import { WorkbenchError } from '../../shared/api/errors';
import type { EngineStatus } from '../../shared/api/methods/app';
import { resolveEngine } from './engine-endpoint';

/**
 * Parts of dockerode's dependency tree that only two features we never use at start-up need:
 * BuildKit sessions (gRPC: @grpc/grpc-js, @grpc/proto-loader, protobufjs) and ssh:// engines
 * (ssh2). Required eagerly by dockerode and docker-modem, they are about two thirds of the time
 * every Docker command spent loading dockerode; here they are loaded on first use instead.
 */
const LAZY_DEPENDENCIES: [request: string, requiredBy: RegExp][] = [
  ['@grpc/grpc-js', /dockerode[\\/]lib[\\/]session\.js$/],
  ['@grpc/proto-loader', /dockerode[\\/]lib[\\/]session\.js$/],
  ['./ssh', /docker-modem[\\/]lib[\\/]modem\.js$/],
];

/** A stand-in for a module that loads it when first touched (property, call or `new`). */
export function loadedOnFirstUse(load: () => unknown): unknown {
  let real: unknown;
  const get = () => (real ??= load()) as Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown);
  return new Proxy(function lazyModule() {}, {
    get: (_t, key) => get()[key],
    has: (_t, key) => key in get(),
    apply: (_t, self, args) => Reflect.apply(get(), self, args),
    construct: (_t, args) => Reflect.construct(get() as unknown as new (...a: unknown[]) => object, args),
  });
}

type ModuleLoader = { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
let DockerClass: typeof Docker | undefined;

function dockerode(): typeof Docker {
  if (DockerClass) return DockerClass;
  const require = createRequire(import.meta.url);
  const loader = Module as unknown as ModuleLoader;
  const original = loader._load;
  if (typeof original !== 'function') return (DockerClass = require('dockerode') as typeof Docker);
  loader._load = function (request, parent, isMain) {
    const lazy = LAZY_DEPENDENCIES.some(([r, by]) => r === request && by.test(parent?.filename ?? ''));
    return lazy ? loadedOnFirstUse(() => original.call(this, request, parent, isMain)) : original.call(this, request, parent, isMain);
  };
  try {
    return (DockerClass = require('dockerode') as typeof Docker);
  } finally {
    loader._load = original;
  }
}

/**
 * The one Dockerode client of a process (Podman Desktop style): every service gets it passed in.
 * Honors DOCKER_HOST (unix://, tcp://, npipe://) like the docker CLI; default is the local socket.
 */
export function createDockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  const Docker = dockerode();
  // DOCKER_CONTEXT, DOCKER_HOST (TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), the CLI's current
  // context, or the default socket: decided from the env given, as the docker CLI does.
  const engine = resolveEngine(env);
  const client = new Docker(engine.options);
  clientEndpoints.set(client, engine.endpoint);
  return client;
}

/** The engine address each client made here talks to (a session names the engine it runs on). */
const clientEndpoints = new WeakMap<Docker, string>();

/** The engine address `docker` talks to, when it was made by createDockerClient (else unknown). */
export function clientEndpoint(docker: Docker): string | undefined {
  return clientEndpoints.get(docker);
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

/** Fail fast with a message that says how to start the engine, rather than hang on a dead socket. */
export async function requireEngine(docker: Docker): Promise<void> {
  const status = await engineStatus(docker);
  if (!status.reachable) throw new WorkbenchError('unavailable', `${status.error}. ${status.hint ?? ''}`.trim(), status);
}
