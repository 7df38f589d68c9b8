/**
 * Serves a bundle's `fixtures/*.har` to the session's containers while the session lives: the
 * recorded answers of external dependencies (payments.example.com ...).
 *
 * Two parts, both owned by the session agent (a SessionPlugin):
 *  - an HTTP server on the host, bound where the session network can reach it (its gateway),
 *    matching each request against the recordings (shared/replay/fixtures.ts), answering the
 *    recorded response, or 502 for a request nothing matches (logged to
 *    <session>/fixtures-unmatched.jsonl, which the Replay pane shows);
 *  - one small forwarder container on the session network whose network aliases are the recorded
 *    host names, so `http://payments.example.com/...` resolves inside the network; it pipes each
 *    connection on each recorded port to the host server (static busybox `nc`, an image built
 *    here deterministically, no registry). Labelled like every session resource, so down and
 *    gc remove it. It also accepts proxy-style requests (absolute URL), for clients that use
 *    http_proxy.
 * HTTPS hosts cannot be served (no certificate the client would trust); they are logged and
 * skipped.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DEFAULT_FIXTURE_MATCH, FixtureBook, type FixtureMatchOptions, type UnmatchedRequest } from '../../../shared/replay/fixtures';
import { headerValue, type HarEntry } from '../../../shared/replay/har';
import { HOP_BY_HOP } from '../../../shared/replay/request';
import type { SessionPlugin, SessionPluginContext } from '../environments/session-plugin';
import { FIXTURES_LOG_QUOTA, WriteQuota } from '../environments/write-quota';
import { HARDENED_HOST_CONFIG } from '../environments/container-spec';
import { injectExternalFault, type AgentFaultBoard } from '../gameday/fault-board';
import { listedHarFiles, loadHarFolder } from './traffic';

export const UNMATCHED_LOG = 'fixtures-unmatched.jsonl';

export type { UnmatchedRequest };

export interface FixturesServer {
  port: number;
  unmatched: UnmatchedRequest[];
  close(): Promise<void>;
}

/** The recorded response, minus what no longer holds when we send it ourselves. */
function writeRecorded(res: ServerResponse, entry: HarEntry): void {
  const r = entry.response;
  // A body stored as text was stored decoded: its content-encoding header no longer applies.
  const decoded = r.bodyForm === 'text' || r.bodyForm === 'empty';
  const headers: [string, string][] = [];
  for (const h of r.headers) {
    const n = h.name.toLowerCase();
    if (HOP_BY_HOP.has(n) || n === 'content-length' || (decoded && n === 'content-encoding')) continue;
    headers.push([h.name, h.value]);
  }
  if (!headerValue(r.headers, 'content-type') && r.contentType) headers.push(['Content-Type', r.contentType]);
  const noBody = r.status === 204 || r.status === 304 || r.status < 200;
  if (!noBody) headers.push(['Content-Length', String(r.body.length)]);
  res.writeHead(r.status, headers.flat());
  res.end(noBody ? undefined : r.body);
}

/** A request body beyond this is refused (413): recorded exchanges are API calls, not uploads. */
export const FIXTURES_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Unmatched requests kept in memory when there is no log file to bound them. */
const MAX_UNMATCHED_IN_MEMORY = 10_000;

/** The body, or undefined when it is larger than `max` (the rest is then dropped unread, bounded). */
async function readLimitedBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) {
      let dropped = 0;
      req.on('data', (d: Buffer) => {
        dropped += d.length;
        if (dropped > 4 * max) req.destroy();
      });
      return undefined;
    }
    chunks.push(c as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export async function startFixturesServer(opts: {
  entries: HarEntry[];
  host: string;
  port?: number;
  match?: FixtureMatchOptions;
  onUnmatched?: (u: UnmatchedRequest) => void;
  /** A game day's external faults (errors, delays) for a fixture host. */
  faults?: AgentFaultBoard;
  /** Append each unmatched request to this JSON Lines file, up to maxBytes (then 507). */
  unmatchedLog?: { file: string; maxBytes: number };
  maxBodyBytes?: number;
}): Promise<FixturesServer> {
  const book = new FixtureBook(opts.entries, opts.match ?? DEFAULT_FIXTURE_MATCH);
  const unmatched: UnmatchedRequest[] = [];
  const logQuota = opts.unmatchedLog ? WriteQuota.forFile(opts.unmatchedLog.file, { maxBytes: opts.unmatchedLog.maxBytes, maxFiles: 1 }) : undefined;
  const maxBody = opts.maxBodyBytes ?? FIXTURES_MAX_BODY_BYTES;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readLimitedBody(req, maxBody);
    if (!body) return answer(res, 413, { error: `request body larger than ${maxBody} bytes; the fixtures stub does not take it` }, { Connection: 'close' });
    const raw = req.url ?? '/';
    // Proxy form (absolute URL) or origin form with a Host header.
    let host: string;
    let target: string;
    if (/^https?:\/\//i.test(raw)) {
      const u = new URL(raw);
      host = u.hostname;
      target = `${u.pathname}${u.search}`;
    } else {
      host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
      target = raw;
    }
    if (opts.faults && (await injectExternalFault(opts.faults, host, res))) return;
    const found = book.match({ method: req.method ?? 'GET', host, target, body });
    if ('entry' in found) return writeRecorded(res, found.entry);
    const miss: UnmatchedRequest = {
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      host,
      target,
      reason: found.miss.reason,
      ...(found.miss.closest ? { closest: found.miss.closest } : {}),
      ...(body.length ? { bodyPreview: Buffer.from(body.subarray(0, 2048)).toString('utf8') } : {}),
    };
    if (logQuota) {
      // Written before the 502 goes out, so whoever sees the 502 can already read why.
      const line = JSON.stringify(miss) + '\n';
      if (!logQuota.reserve(Buffer.byteLength(line))) {
        return answer(res, 507, { error: `no recorded fixture matches this request, and the session's log of unmatched requests is full (${logQuota.describe()})`, method: miss.method, host, target }, { 'X-Repro-Fixture': 'unmatched' });
      }
      appendFileSync(opts.unmatchedLog!.file, line);
    }
    if (unmatched.length < MAX_UNMATCHED_IN_MEMORY) unmatched.push(miss);
    opts.onUnmatched?.(miss);
    answer(res, 502, { error: 'no recorded fixture matches this request', method: miss.method, host, target, reason: miss.reason }, { 'X-Repro-Fixture': 'unmatched' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fixtures stub error: ${err.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    unmatched,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The forwarder image: only a static busybox, built deterministically (same bytes, same id).
 * The image builder (and its tar writer) loads only here, not with the agent's plugins.
 */
export async function forwarderImage(busybox = process.env.BUSYBOX ?? '/bin/busybox') {
  const { buildImageArchive } = await import('../../../examples/build/image-archive');
  const archive = buildImageArchive({
    repoTag: 'repro-workbench/fixtures-forwarder:1',
    layers: [{ files: [{ path: 'bin/busybox', mode: 0o755, content: readFileSync(busybox) }] }],
    config: { Entrypoint: ['/bin/busybox'], Labels: { 'repro.role': 'fixtures-forwarder' } },
  });
  return { ref: 'repro-workbench/fixtures-forwarder:1', archive };
}

export async function ensureForwarderImage(docker: Docker): Promise<string> {
  const { archive } = await forwarderImage();
  try {
    await docker.getImage(archive.id).inspect();
    return archive.id;
  } catch {
    // not loaded yet
  }
  const stream = await docker.loadImage(Readable.from([archive.bytes]));
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  await docker.getImage(archive.id).inspect();
  return archive.id;
}

/** `sh -c` script: one persistent nc listener per recorded port, each piping to the host server. */
export function forwarderScript(ports: number[], upstreamHost: string, upstreamPort: number): string {
  if (!/^[A-Za-z0-9.:-]+$/.test(upstreamHost)) throw new Error(`unexpected upstream host "${upstreamHost}"`);
  const lines = ports.map((p) => `/bin/busybox nc -ll -p ${Number(p)} -e /bin/busybox nc ${upstreamHost} ${Number(upstreamPort)} &`);
  return [...lines, 'wait'].join('\n');
}

export async function startForwarder(
  ctx: Pick<SessionPluginContext, 'docker' | 'session' | 'networkName' | 'labels' | 'advertisedHost'>,
  hosts: string[],
  ports: number[],
  upstreamPort: number,
): Promise<Docker.Container> {
  const image = await ensureForwarderImage(ctx.docker);
  // "_" cannot occur in a service name, so this never collides with repro-<session>-<service>.
  const name = `repro-${ctx.session}_fixtures`.slice(0, 120);
  // A leftover from a crashed agent would block the name; it is ours (same session labels).
  await ctx.docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await ctx.docker.createContainer({
    name,
    Image: image,
    Cmd: ['sh', '-c', forwarderScript(ports, ctx.advertisedHost, upstreamPort)],
    Labels: { ...ctx.labels, 'repro.role': 'fixtures-forwarder' },
    // No route out of the session network: it reaches the stub through the session's gate,
    // whose name (advertisedHost) resolves on that network.
    User: '65534:65534',
    HostConfig: {
      ...HARDENED_HOST_CONFIG,
      CapAdd: [],
      NetworkMode: ctx.networkName,
      Memory: 32 * 1024 * 1024,
      PidsLimit: 512,
      ReadonlyRootfs: true,
    },
    NetworkingConfig: { EndpointsConfig: { [ctx.networkName]: { Aliases: hosts } } },
  });
  await container.start();
  return container;
}

function matchOptionsFromEnv(env: NodeJS.ProcessEnv): FixtureMatchOptions {
  const body = env.REPRO_FIXTURES_MATCH_BODY;
  const query = env.REPRO_FIXTURES_MATCH_QUERY;
  return {
    body: body === 'exact' || body === 'ignore' || body === 'auto' ? body : DEFAULT_FIXTURE_MATCH.body,
    query: query === 'exact' || query === 'unordered' ? query : DEFAULT_FIXTURE_MATCH.query,
  };
}

export const fixturesStubPlugin: SessionPlugin = {
  name: 'fixtures',
  // The forwarder container reaches the stub through the session's gate, which forwards reserved ports only.
  reservePort: true,
  async start(ctx) {
    const files = listedHarFiles(ctx.manifest, 'fixtures');
    if (files.length === 0) return { stop: async () => {} };
    const entries = (await loadHarFolder(ctx.bundleRoot, ctx.manifest, 'fixtures')).perFile.flat();
    const book = new FixtureBook(entries);
    const serviceNames = new Set(ctx.manifest.services.map((s) => s.name));
    const usable = book.hosts().filter((h) => {
      if (h.https) ctx.log(`cannot serve https://${h.host}:${h.port} (TLS); requests to it will fail`);
      else if (isIP(h.host)) ctx.log(`cannot alias the IP address ${h.host}; requests to it are not served`);
      else if (serviceNames.has(h.host)) ctx.log(`${h.host} is a service of the bundle; its fixtures are not served`);
      else if (h.host === ctx.advertisedHost) ctx.log(`${h.host} is the session gate's own name; its fixtures are not served`);
      else return true;
      return false;
    });
    await mkdir(ctx.sessionDir, { recursive: true });
    const server = await startFixturesServer({
      entries,
      host: ctx.bindHost,
      ...(ctx.reservedPort ? { port: ctx.reservedPort } : {}),
      match: matchOptionsFromEnv(process.env),
      ...(ctx.faults ? { faults: ctx.faults } : {}),
      unmatchedLog: { file: join(ctx.sessionDir, UNMATCHED_LOG), maxBytes: FIXTURES_LOG_QUOTA.maxBytes },
      onUnmatched: (u) => ctx.log(`unmatched ${u.method} ${u.host}${u.target}: ${u.reason}`),
    });
    let container: Docker.Container | undefined;
    if (usable.length > 0) {
      try {
        container = await startForwarder(ctx, [...new Set(usable.map((h) => h.host))], [...new Set(usable.map((h) => h.port))], server.port);
        ctx.log(`serving ${entries.length} recorded exchanges for ${usable.map((h) => `${h.host}:${h.port}`).join(', ')}`);
      } catch (err) {
        await server.close();
        throw err;
      }
    }
    const url = `http://${ctx.advertisedHost}:${server.port}`;
    return {
      endpoints: { url, ...Object.fromEntries(usable.map((h) => [h.host, `http://${h.host}${h.port === 80 ? '' : `:${h.port}`}`])) },
      async stop() {
        await container?.remove({ force: true }).catch(() => undefined);
        await server.close();
      },
    };
  },
};

/** Unmatched requests logged for a session, oldest first. */
export function readUnmatched(sessionDir: string): UnmatchedRequest[] {
  let text: string;
  try {
    text = readFileSync(join(sessionDir, UNMATCHED_LOG), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as UnmatchedRequest];
      } catch {
        return [];
      }
    });
}
