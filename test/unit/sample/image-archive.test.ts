import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImageArchive, buildLayerTar, FIXED_EPOCH, writeImageArchive, type ImageArchiveSpec } from '../../../examples/build/image-archive';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface ListedEntry { path: string; type: string; mode: number; uid: number; gid: number; mtime: number; linkpath: string; body: Buffer }

/** Reads a tar with node-tar's parser, so the format is checked by an independent reader. */
function listTar(bytes: Buffer): Promise<ListedEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: ListedEntry[] = [];
    const parser = new Parser({ strict: true });
    parser.on('entry', (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () =>
        entries.push({
          path: entry.path, type: entry.type, mode: entry.mode ?? -1, uid: entry.uid ?? -1, gid: entry.gid ?? -1,
          mtime: entry.mtime?.getTime() ?? -1, linkpath: entry.linkpath ?? '', body: Buffer.concat(chunks),
        }),
      );
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(entries));
    parser.end(bytes);
  });
}

function spec(): ImageArchiveSpec {
  return {
    repoTag: 'repro-test/unit:1',
    architecture: 'amd64',
    layers: [
      {
        // Deliberately unsorted, without parent directories.
        files: [
          { path: '/www/cgi-bin/hello', mode: 0o755, content: '#!/bin/sh\necho hi\n' },
          { path: 'bin/sh', type: 'symlink', target: 'busybox' },
          { path: 'bin/busybox', mode: 0o755, content: Buffer.alloc(3000, 7) },
          { path: 'tmp', mode: 0o1777, type: 'dir' },
        ],
      },
      { files: [{ path: 'data/prices.json', mode: 0o644, content: '{"a":1}' }] },
    ],
    config: { Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '8080'], Env: ['PATH=/bin'], ExposedPorts: ['8080/tcp'], Labels: { b: '2', a: '1' } },
  };
}

describe('image archive', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes identical bytes on every build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'image-archive-'));
    dirs.push(dir);
    const a = await writeImageArchive(join(dir, 'a.tar'), spec());
    const b = await writeImageArchive(join(dir, 'b.tar'), spec());
    const bytesA = await readFile(join(dir, 'a.tar'));
    const bytesB = await readFile(join(dir, 'b.tar'));
    expect(bytesA.length).toBeGreaterThan(3000);
    expect(sha256(bytesA)).toBe(sha256(bytesB));
    expect(a.id).toBe(b.id);
  });

  it('changes the id when the content changes', () => {
    const changed = spec();
    changed.layers[1] = { files: [{ path: 'data/prices.json', mode: 0o644, content: '{"a":2}' }] };
    expect(buildImageArchive(changed).id).not.toBe(buildImageArchive(spec()).id);
  });

  it('has a docker-save layout whose id and diff ids are the digests of the config and layers', async () => {
    const archive = buildImageArchive(spec());
    const entries = await listTar(archive.bytes);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const manifest = JSON.parse(byPath.get('manifest.json')!.body.toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags).toEqual(['repro-test/unit:1']);
    const configBytes = byPath.get(manifest[0]!.Config)!.body;
    expect(`sha256:${sha256(configBytes)}`).toBe(archive.id);
    expect(manifest[0]!.Config).toBe(`${archive.id.slice(7)}.json`);
    const config = JSON.parse(configBytes.toString());
    expect(config.created).toBe('2026-11-20T12:00:00Z');
    expect(config.config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(Object.keys(config.config.Labels)).toEqual(['a', 'b']);
    const layerDigests = manifest[0]!.Layers.map((l) => `sha256:${sha256(byPath.get(l)!.body)}`);
    expect(config.rootfs.diff_ids).toEqual(layerDigests);
    expect(archive.diffIds).toEqual(layerDigests);
    const repositories = JSON.parse(byPath.get('repositories')!.body.toString());
    expect(repositories).toEqual({ 'repro-test/unit': { '1': manifest[0]!.Layers[1]!.split('/')[0] } });
  });

  it('writes layer entries sorted, parents first, owned by root, with the fixed mtime', async () => {
    const entries = await listTar(buildLayerTar(spec().layers[0]!));
    expect(entries.map((e) => e.path)).toEqual(['bin/', 'bin/busybox', 'bin/sh', 'tmp/', 'www/', 'www/cgi-bin/', 'www/cgi-bin/hello']);
    for (const e of entries) {
      expect([e.uid, e.gid]).toEqual([0, 0]);
      expect(e.mtime).toBe(FIXED_EPOCH.getTime());
    }
    const sh = entries.find((e) => e.path === 'bin/sh')!;
    expect([sh.type, sh.linkpath]).toEqual(['SymbolicLink', 'busybox']);
    expect(entries.find((e) => e.path === 'tmp/')!.mode).toBe(0o1777);
    expect(entries.find((e) => e.path === 'www/cgi-bin/hello')!.body.toString()).toBe('#!/bin/sh\necho hi\n');
  });

  it('refuses paths that escape the root, duplicates and bad tags', () => {
    expect(() => buildLayerTar({ files: [{ path: '../etc/passwd', mode: 0o644, content: '' }] })).toThrow(/invalid path/);
    expect(() => buildLayerTar({ files: [{ path: 'a', mode: 0o644, content: '' }, { path: '/a', mode: 0o644, content: '' }] })).toThrow(/duplicate/);
    expect(() => buildLayerTar({ files: [{ path: 'a', mode: 0o644, content: '' }, { path: 'a/b', mode: 0o644, content: '' }] })).toThrow(/not a directory/);
    expect(() => buildImageArchive({ ...spec(), repoTag: 'Bad Tag' })).toThrow(/repoTag/);
  });
});
