/**
 * Hostile corpus, attack 1: an image archive whose RepoTags (manifest.json and `repositories`)
 * name a tag the machine already has moved that tag to the bundle's image during `up`, for good;
 * an archive holding several images loaded them all. Loading must apply no tag of the archive's,
 * tag only the manifest's ref and only when that tag is absent (or already the same image), and
 * refuse an archive with more than one image. Real engine; only images this file makes are removed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageArchive, type ImageArchive } from '../../../examples/build/image-archive';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { ensureImage } from '../../../electron/services/environments/images';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { rawTar, type RawEntry } from '../../unit/bundles/builders';

const docker = createDockerClient();
const run = randomBytes(4).toString('hex');
const victimTag = `repro-it-victim-${run}:16`;
const made = new Set<string>();
let dir: string;

function image(repoTag: string, label: string): ImageArchive {
  const archive = buildImageArchive({ repoTag, layers: [{ files: [{ path: 'id.txt', mode: 0o644, content: `${label} ${run}\n` }] }], config: { Entrypoint: ['/id.txt'] } });
  made.add(archive.id);
  return archive;
}

async function load(bytes: Buffer): Promise<void> {
  const stream = await docker.loadImage(Readable.from([bytes]), { quiet: true });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
}

const tagId = (tag: string) => docker.getImage(tag).inspect().then((i) => i.Id, () => undefined);
const idPresent = (id: string) => docker.getImage(id).inspect().then(() => true, () => false);

function entriesOf(bytes: Buffer): RawEntry[] {
  const out: RawEntry[] = [];
  const parser = new Parser({
    onReadEntry: (e: ReadEntry) => {
      const parts: Buffer[] = [];
      e.on('data', (c: Buffer) => parts.push(c));
      e.on('end', () => out.push({ path: String(e.path), type: e.type as RawEntry['type'], body: Buffer.concat(parts) }));
    },
  });
  parser.end(bytes);
  return out;
}

/** One archive holding both images, as `docker save a b` writes it. */
function twoImages(a: ImageArchive, b: ImageArchive): Buffer {
  const ea = entriesOf(a.bytes);
  const eb = entriesOf(b.bytes);
  const manifest = [...JSON.parse(String(ea.find((e) => e.path === 'manifest.json')!.body)), ...JSON.parse(String(eb.find((e) => e.path === 'manifest.json')!.body))];
  const rest = [...ea, ...eb].filter((e) => e.path !== 'manifest.json' && e.path !== 'repositories');
  const unique = [...new Map(rest.map((e) => [e.path, e])).values()];
  return rawTar([...unique, { path: 'manifest.json', body: JSON.stringify(manifest) }]);
}

function service(name: string, archive: ImageArchive, ref: string, file?: string): ServiceSpec {
  const rel = file ?? `images/${name}.tar`;
  writeFileSync(join(dir, rel), archive.bytes);
  return { name, image: { ref, id: archive.id, archive: rel } } as ServiceSpec;
}

let victimId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-tags-'));
  mkdirSync(join(dir, 'images'));
  const victim = image(victimTag, 'victim');
  await load(victim.bytes);
  victimId = victim.id;
  expect(await tagId(victimTag)).toBe(victimId);
});

afterAll(async () => {
  for (const tag of [victimTag, `repro-it-own-${run}:1`]) await docker.getImage(tag).remove({ noprune: true }).catch(() => {});
  for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('loading a bundle image never moves a tag', () => {
  it("ignores the archive's tags and tags only the manifest's ref when it is free", async () => {
    const hostile = image(victimTag, 'hostile-a');
    await ensureImage(docker, service('a', hostile, `repro-it-own-${run}:1`), dir);
    expect(await idPresent(hostile.id)).toBe(true);
    expect(await tagId(victimTag)).toBe(victimId);
    expect(await tagId(`repro-it-own-${run}:1`)).toBe(hostile.id);
  });

  it("leaves an existing tag alone even when the manifest's ref names it", async () => {
    const hostile = image(victimTag, 'hostile-b');
    const notes: string[] = [];
    await ensureImage(docker, service('b', hostile, victimTag), dir, (p) => p.note && notes.push(p.note));
    expect(await idPresent(hostile.id)).toBe(true);
    expect(await tagId(victimTag)).toBe(victimId);
    expect(notes.join(' ')).toMatch(/already names another image/);
  });

  it('refuses an archive with more than one image, loading none', async () => {
    const first = image(`repro-it-two-${run}:1`, 'two-1');
    const second = image(victimTag, 'two-2');
    writeFileSync(join(dir, 'images/two.tar'), twoImages(first, second));
    const svc = { name: 'two', image: { ref: `repro-it-two-${run}:1`, id: first.id, archive: 'images/two.tar' } } as ServiceSpec;
    await expect(ensureImage(docker, svc, dir)).rejects.toMatchObject({ code: 'bundle_invalid', message: expect.stringMatching(/holds 2 images/) });
    expect(await idPresent(first.id)).toBe(false);
    expect(await idPresent(second.id)).toBe(false);
    expect(await tagId(victimTag)).toBe(victimId);
  });

  it('does not pull over an existing tag that names another image', async () => {
    const absent = image('repro-it-absent:1', `absent-${run}`);
    const svc = { name: 'p', image: { ref: victimTag, id: absent.id } } as ServiceSpec;
    await expect(ensureImage(docker, svc, dir)).rejects.toMatchObject({ message: expect.stringMatching(/already names another image/) });
    expect(await tagId(victimTag)).toBe(victimId);
  });
});
