/**
 * Builds small but complete bundles on disk for tests: a real docker-save image (from the
 * examples' deterministic writer), a metrics file, a HAR, and a bundle.json whose `files`
 * is computed from what was written. Hostile variations are made by the tests themselves.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import { buildImageArchive } from '../../../examples/build/image-archive';

export async function makeTempDir(prefix = 'bundles-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function listDir(dir: string): Promise<string[]> {
  return readdir(dir);
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function webImage(tag = 'shop/web:1.0.0', page = '<h1>hello</h1>\n') {
  return buildImageArchive({
    repoTag: tag,
    layers: [{ files: [{ path: 'www/index.html', mode: 0o644, content: page }] }],
    config: { Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '8080'], ExposedPorts: ['8080/tcp'] },
    architecture: 'amd64',
  });
}

export function baseManifest(imageId: string): Record<string, unknown> {
  return {
    schema: 'repro.bundle/v1',
    incident: {
      id: 'INC-TEST-1',
      title: 'Test incident',
      severity: 'SEV3',
      startedAt: '2026-11-20T14:02:00Z',
      detectedAt: '2026-11-20T14:06:30Z',
      resolvedAt: '2026-11-20T15:10:00Z',
    },
    provenance: {
      source: { repo: 'shop/web', commit: '4f1c2e9aa', ref: 'v1.0.0' },
      build: { id: 'ci-1', builder: 'ci', finishedAt: '2026-11-20T12:00:00Z' },
      deploy: { id: 'deploy-1', environment: 'prod-eu', at: '2026-11-20T13:55:00Z' },
      featureFlags: { 'new-pricing': true, 'cart-v2': '50%' },
    },
    services: [
      {
        name: 'web',
        image: { ref: 'shop/web:1.0.0', id: imageId, archive: 'images/web.tar' },
        env: { LOG_LEVEL: 'info' },
        secrets: [{ name: 'PAYMENT_KEY', required: true }],
        ports: [{ container: 8080, protocol: 'tcp', ingress: true }],
        healthcheck: { http: { port: 8080, path: '/' }, intervalMs: 250, timeoutMs: 15000 },
        resources: { memoryMb: 64, cpus: 0.5 },
      },
    ],
    canary: {
      metrics: [{ name: 'latency', file: 'metrics/latency.json', direction: 'increase', critical: true, group: 'latency' }],
      selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
      groupWeights: { latency: 100 },
      thresholds: { pass: 95, marginal: 75 },
    },
    replay: { noise: { jsonPaths: ['$.servedAt'], headers: ['date'] } },
    files: [],
    createdAt: '2026-11-20T15:30:00Z',
    createdBy: 'bundles test builder',
  };
}

/** The smallest valid manifest (no services, no files) with `extra` fields over it. */
export function minimalManifest(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'repro.bundle/v1',
    incident: { id, title: `${id} test bundle`, severity: 'SEV4', startedAt: '2026-01-01T00:00:00Z' },
    provenance: { source: { repo: 'r', commit: 'c' } },
    services: [],
    files: [],
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'test builder',
    ...extra,
  };
}

export interface BuiltBundle {
  root: string;
  manifest: Record<string, unknown>;
  imageId: string;
}

/**
 * Writes a valid bundle into `root`. `extraFiles` are added (and listed); `edit` may change the
 * manifest after `files` is computed (to make it wrong on purpose).
 */
export async function writeBundle(
  root: string,
  opts: { extraFiles?: Record<string, string | Buffer>; edit?: (m: Record<string, unknown>) => void } = {},
): Promise<BuiltBundle> {
  const image = webImage();
  const contents: Record<string, string | Buffer> = {
    'images/web.tar': image.bytes,
    'metrics/latency.json': JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
    'traffic/web.har': JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [] } }),
    'runbook.md': '# Runbook\n\n```sh\necho hi\n```\n',
    ...opts.extraFiles,
  };
  const manifest = baseManifest(image.id);
  const files: { path: string; sha256: string; size: number }[] = [];
  for (const [path, body] of Object.entries(contents).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), buf);
    files.push({ path, sha256: sha256(buf), size: buf.length });
  }
  manifest.files = files;
  opts.edit?.(manifest);
  await writeFile(join(root, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { root, manifest, imageId: image.id };
}

/** One raw tar entry; any type node-tar knows how to encode, including the ones we refuse. */
export interface RawEntry {
  path: string;
  type?: HeaderData['type'];
  body?: Buffer | string;
  linkpath?: string;
  /** Declared size when it differs from the body (e.g. a header claiming 25 GiB). */
  size?: number;
  devmaj?: number;
  devmin?: number;
}

/** Writes tar bytes header by header, so tests can build archives no well-behaved tool would. */
export function rawTar(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.body) ? e.body : Buffer.from(e.body);
    const type = e.type ?? 'File';
    // Regular files and the pseudo-entries that carry data (pax headers, GNU long names).
    const hasBody = type === 'File' || type === 'ExtendedHeader' || type === 'GlobalExtendedHeader' || type === 'NextFileHasLongPath' || type === 'NextFileHasLongLinkpath';
    const h = new Header({
      path: e.path,
      type,
      mode: type === 'Directory' ? 0o755 : 0o644,
      size: e.size ?? (hasBody ? body.length : 0),
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      linkpath: e.linkpath,
      devmaj: e.devmaj ?? 0,
      devmin: e.devmin ?? 0,
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (hasBody && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const gzip = (b: Buffer) => gzipSync(b);

/** tar entries for every file of a bundle folder written by writeBundle (paths relative). */
export async function bundleEntries(built: BuiltBundle, extra: Record<string, string | Buffer> = {}): Promise<RawEntry[]> {
  const { readFile } = await import('node:fs/promises');
  const out: RawEntry[] = [{ path: 'bundle.json', body: await readFile(join(built.root, 'bundle.json')) }];
  for (const f of built.manifest.files as { path: string }[]) out.push({ path: f.path, body: await readFile(join(built.root, f.path)) });
  for (const [path, body] of Object.entries(extra)) out.push({ path, body });
  return out;
}
