/**
 * Attack 1, without the engine: the stream that takes an image archive to `docker load` removes
 * every name the archive would apply (manifest.json RepoTags, `repositories`, OCI ref-name
 * annotations, also when a pax header or GNU long name describes the entry), leaves everything
 * else byte for byte, and refuses an archive of more than one image; verify says so too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageArchive } from '../../../examples/build/image-archive';
import { openBundle } from '../../../electron/services/bundles/open';
import { verifyBundle } from '../../../electron/services/bundles/verify';
import { untaggedImageStream } from '../../../electron/services/environments/untagged-image-stream';
import { makeTempDir, minimalManifest, rawTar, removeDir, sha256, type RawEntry } from '../bundles/builders';

const image = (tag: string, text: string) => buildImageArchive({ repoTag: tag, layers: [{ files: [{ path: 'a.txt', mode: 0o644, content: text }] }], config: { Entrypoint: ['/a.txt'] } });

async function through(bytes: Buffer, chunk = 700): Promise<Buffer> {
  const parts: Buffer[] = [];
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  await pipeline(Readable.from(chunks), untaggedImageStream(), async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) parts.push(c);
  });
  return Buffer.concat(parts);
}

function entries(bytes: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const parser = new Parser({
    strict: true,
    onReadEntry: (e: ReadEntry) => {
      const parts: Buffer[] = [];
      e.on('data', (c: Buffer) => parts.push(c));
      e.on('end', () => out.set(String(e.path), Buffer.concat(parts)));
    },
  });
  parser.end(bytes);
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('image-names-');
});
afterAll(() => removeDir(dir));

describe('untaggedImageStream', () => {
  it('removes RepoTags and repositories, keeps every other byte', async () => {
    const archive = image('postgres:16', 'bundle image');
    const before = entries(archive.bytes);
    const after = entries(await through(archive.bytes));
    expect(JSON.parse(String(after.get('manifest.json')))).toEqual([{ ...JSON.parse(String(before.get('manifest.json')))[0], RepoTags: null }]);
    expect(String(after.get('repositories'))).toBe('{}');
    for (const [path, body] of before) if (path !== 'manifest.json' && path !== 'repositories') expect(sha256(after.get(path)!), path).toBe(sha256(body));
  });

  it('also when pax headers and GNU long names describe the entries', async () => {
    const archive = image('victim:1', 'pax');
    const inner = entries(archive.bytes);
    const raw: RawEntry[] = [];
    for (const [path, body] of inner) {
      if (path === 'manifest.json') raw.push({ path: 'PaxHeader', type: 'ExtendedHeader', body: paxRecord('path', './manifest.json') }, { path: 'ignored-name', body });
      else if (path === 'repositories') raw.push({ path: '././@LongLink', type: 'NextFileHasLongPath', body: 'repositories\0' }, { path: 'also-ignored', body });
      else raw.push({ path, body });
    }
    const out = entries(await through(rawTar(raw), 333));
    expect(JSON.parse(String(out.get('manifest.json')))[0].RepoTags).toBeNull();
    expect(String(out.get('repositories'))).toBe('{}');
    expect(out.has('ignored-name')).toBe(false);
  });

  it('also under the names the engine cleans to manifest.json, and refuses a link in its place', async () => {
    const inner = entries(image('victim:1', 'spelled').bytes);
    const manifest = inner.get('manifest.json')!;
    const others = [...inner].filter(([p]) => p !== 'manifest.json').map(([path, body]) => ({ path, body }));
    for (const spelled of ['x/../manifest.json', '/manifest.json', './././manifest.json']) {
      const out = entries(await through(rawTar([...others, { path: spelled, body: manifest }])));
      const rewritten = [...out].find(([p]) => p.replace(/^\/|\/$/g, '').endsWith('manifest.json'))!;
      expect(JSON.parse(String(rewritten[1]))[0].RepoTags, spelled).toBeNull();
    }
    await expect(through(rawTar([...others, { path: 'named.json', body: manifest }, { path: 'manifest.json', type: 'SymbolicLink', linkpath: 'named.json' }])))
      .rejects.toThrow(/manifest.json in the image archive is a SymbolicLink/);
  });

  it('removes OCI name annotations', async () => {
    const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + 'a'.repeat(64), size: 1, annotations: { 'io.containerd.image.name': 'docker.io/library/postgres:16', 'org.opencontainers.image.ref.name': '16', other: 'kept' } }] };
    const out = entries(await through(rawTar([{ path: 'index.json', body: JSON.stringify(index) }, { path: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }])));
    expect(JSON.parse(String(out.get('index.json'))).manifests[0].annotations).toEqual({ other: 'kept' });
  });

  it('refuses an archive of two images', async () => {
    const a = entries(image('a:1', 'a').bytes);
    const b = entries(image('b:1', 'b').bytes);
    const manifest = [...JSON.parse(String(a.get('manifest.json'))), ...JSON.parse(String(b.get('manifest.json')))];
    const raw: RawEntry[] = [...new Map([...a, ...b]).entries()].filter(([p]) => p !== 'manifest.json').map(([path, body]) => ({ path, body }));
    raw.push({ path: 'manifest.json', body: JSON.stringify(manifest) });
    await expect(through(rawTar(raw))).rejects.toThrow(/holds 2 images/);
    // and verify reports it before an up gets that far
    const root = join(dir, 'two');
    mkdirSync(join(root, 'images'), { recursive: true });
    const tarBytes = rawTar(raw);
    writeFileSync(join(root, 'images/two.tar'), tarBytes);
    const first = image('a:1', 'a');
    writeFileSync(
      join(root, 'bundle.json'),
      JSON.stringify(
        minimalManifest('INC-2IMG', {
          services: [{ name: 'a', image: { ref: 'a:1', id: first.id, archive: 'images/two.tar' } }],
          files: [{ path: 'images/two.tar', sha256: sha256(tarBytes), size: tarBytes.length }],
        }),
      ),
    );
    const report = await verifyBundle(await openBundle(root), { trustedKeysDir: null });
    expect(report.problems).toEqual([expect.objectContaining({ code: 'unsafe_archive', path: 'images/two.tar', message: expect.stringMatching(/holds 2 images/) })]);
  });
});

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 2;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}
