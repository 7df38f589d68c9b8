/**
 * Which Docker engine to talk to, and how, decided as the docker CLI decides it
 * (docs/runtimes.md): DOCKER_CONTEXT, else DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_TLS and
 * DOCKER_CERT_PATH), else the config's `currentContext`, else the default socket. A context's
 * endpoint and TLS material come from the CLI's context store:
 *   $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json   Endpoints.docker.{Host, SkipTLSVerify}
 *   $DOCKER_CONFIG/contexts/tls/<sha256 of the name>/docker/{ca,cert,key}.pem
 * Everything is read from the env given (a test or a host may pass its own), never only from
 * process.env, and every option is set (dockerode would otherwise fill gaps from process.env).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { WorkbenchError } from '../../shared/api/errors';

export interface ResolvedEngine {
  /** The engine's address as the docker CLI writes it (unix:///…, tcp://…, ssh://…). */
  endpoint: string;
  /** Where it came from: DOCKER_HOST, a context (by name) or the default. */
  source: string;
  /** TLS is used (and whether the server's certificate is checked). */
  tls?: { verify: boolean };
  options: DockerOptions;
}

export function defaultSocketPath(): string {
  return process.platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock';
}

function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

const UNSET: DockerOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, username: undefined } as DockerOptions;

function readTls(dir: string, what: string): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const file = (n: string) => join(dir, n);
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  for (const [k, n] of [['ca', 'ca.pem'], ['cert', 'cert.pem'], ['key', 'key.pem']] as const) {
    if (existsSync(file(n))) out[k] = readFileSync(file(n));
  }
  if ((out.cert && !out.key) || (!out.cert && out.key)) throw new WorkbenchError('invalid_argument', `${what}: ${dir} has ${out.cert ? 'cert.pem but no key.pem' : 'key.pem but no cert.pem'}`);
  return out;
}

/** Options for one endpoint (unix, npipe, tcp, ssh). */
export function optionsFor(endpoint: string, tls: { verify: boolean; dir?: string } | undefined, what: string, env: NodeJS.ProcessEnv = process.env): ResolvedEngine['options'] {
  if (endpoint.startsWith('unix://')) return { ...UNSET, socketPath: endpoint.slice('unix://'.length) || defaultSocketPath() };
  if (endpoint.startsWith('npipe://')) return { ...UNSET, socketPath: endpoint.slice('npipe://'.length) || '//./pipe/docker_engine' };
  let url: URL;
  try {
    url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  } catch {
    throw new WorkbenchError('invalid_argument', `${what}: "${endpoint}" is not an engine address (unix:///path, tcp://host:port, ssh://user@host)`);
  }
  if (url.protocol === 'ssh:') {
    return {
      ...UNSET,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      // the user's ssh agent holds the key, as for the docker CLI; the remote runs `docker system dial-stdio`
      sshOptions: { ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}) },
    } as DockerOptions;
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WorkbenchError('invalid_argument', `${what}: unsupported engine address "${endpoint}" (unix://, npipe://, tcp://, ssh://)`);
  }
  const useTls = Boolean(tls) || url.protocol === 'https:';
  const material = useTls && tls?.dir ? readTls(tls.dir, what) : {};
  return {
    ...UNSET,
    protocol: useTls ? 'https' : 'http',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || (useTls ? 2376 : 2375)),
    ...material,
    // DOCKER_TLS without _VERIFY (or a context's SkipTLSVerify): encrypted, server unchecked
    ...(useTls && tls && !tls.verify ? { agent: new Agent({ ...material, rejectUnauthorized: false }) } : {}),
  } as DockerOptions;
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** A context of the docker CLI's store (undefined for "default": DOCKER_HOST or the socket). */
export function readContext(name: string, env: NodeJS.ProcessEnv): { endpoint: string; tlsDir?: string; skipVerify: boolean } | undefined {
  if (name === 'default') return undefined;
  const id = createHash('sha256').update(name).digest('hex');
  const dir = dockerConfigDir(env);
  const metaFile = join(dir, 'contexts', 'meta', id, 'meta.json');
  let meta: ContextMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ContextMeta;
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `Docker context "${name}" is not in the docker CLI's context store (${metaFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); see docker context ls`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) throw new WorkbenchError('invalid_argument', `Docker context "${name}" (${metaFile}) has no docker endpoint`);
  const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
  return { endpoint: host, ...(existsSync(tlsDir) ? { tlsDir } : {}), skipVerify: meta.Endpoints?.docker?.SkipTLSVerify === true };
}

function currentContext(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  if (env.DOCKER_HOST) return undefined; // DOCKER_HOST wins over the config's current context
  try {
    const config = JSON.parse(readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8')) as { currentContext?: string };
    return config.currentContext || undefined;
  } catch {
    return undefined;
  }
}

export function resolveEngine(env: NodeJS.ProcessEnv = process.env): ResolvedEngine {
  const contextName = currentContext(env);
  const context = contextName ? readContext(contextName, env) : undefined;
  if (context) {
    const tls = context.tlsDir || context.endpoint.startsWith('https://') ? { verify: !context.skipVerify, ...(context.tlsDir ? { dir: context.tlsDir } : {}) } : undefined;
    const what = `Docker context "${contextName}"`;
    return { endpoint: context.endpoint, source: `context ${contextName}`, ...(tls ? { tls: { verify: tls.verify } } : {}), options: optionsFor(context.endpoint, tls, what, env) };
  }
  if (env.DOCKER_HOST) {
    const verify = Boolean(env.DOCKER_TLS_VERIFY);
    const tlsOn = verify || Boolean(env.DOCKER_TLS);
    const tls = tlsOn ? { verify, dir: env.DOCKER_CERT_PATH || dockerConfigDir(env) } : undefined;
    return { endpoint: env.DOCKER_HOST, source: 'DOCKER_HOST', ...(tls ? { tls: { verify } } : {}), options: optionsFor(env.DOCKER_HOST, tls, 'DOCKER_HOST', env) };
  }
  const endpoint = `unix://${defaultSocketPath()}`;
  return { endpoint: process.platform === 'win32' ? `npipe://${defaultSocketPath()}` : endpoint, source: 'default', options: { ...UNSET, socketPath: defaultSocketPath() } };
}
