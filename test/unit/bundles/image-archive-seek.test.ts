// The image archive reader's fast path (headers read in place, bodies skipped) must agree with
// node-tar's strict parser on every archive it accepts, and hand the rest to that parser.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive, readSmallEntries, readSmallEntriesBySeeking } from '../../../electron/services/bundles/image-id';
import { gzip, makeTempDir, rawTar, removeDir, webImage } from './builders';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await makeTempDir('image-seek-');
});
afterAll(() => removeDir(dir));

async function file(bytes: Buffer): Promise<string> {
  const path = join(dir, `a-${n++}.tar`);
  await writeFile(path, bytes);
  return path;
}

const asObject = (m: Map<string, Buffer>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString('base64')]));

/** A docker-save archive whose layer and config names need pax headers (as Go writes names over 100 bytes). */
function paxArchive(): Buffer {
  const long = 'x'.repeat(120);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {} }));
  const manifest = Buffer.from(JSON.stringify([{ Config: `${long}/config.json`, RepoTags: ['long/names:1'], Layers: [`${long}/layer.tar`] }]));
  const pax = (path: string) => {
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let len = body.length + 1;
      while (String(len).length + body.length !== len) len++;
      return `${len}${body}`;
    };
    return Buffer.from(rec('path', path) + rec('mtime', '1700000000.5'));
  };
  return rawTar([
    { path: 'PaxHeaders/0', type: 'ExtendedHeader', body: pax(`${long}/`) },
    { path: 'dir', type: 'Directory' },
    { path: 'PaxHeaders/1', type: 'ExtendedHeader', body: pax(`${long}/config.json`) },
    { path: 'config.json', body: config },
    { path: 'PaxHeaders/2', type: 'ExtendedHeader', body: pax(`${long}/layer.tar`) },
    { path: 'layer.tar', body: rawTar([{ path: 'www/index.html', body: 'hi\n' }]) },
    { path: 'manifest.json', body: manifest },
  ]);
}

describe('image archive: headers read in place', () => {
  it('takes the fast path on docker-save and pax archives and reads the same entries and id', async () => {
    for (const bytes of [webImage('shop/web:1').bytes, paxArchive()]) {
      const path = await file(bytes);
      const fast = await readSmallEntriesBySeeking(path);
      expect(fast).toBeDefined();
      expect(asObject(fast!)).toEqual(asObject(await readSmallEntries(path)));
    }
    const image = webImage('shop/web:2');
    expect((await readImageArchive(await file(image.bytes)))[0]!.configDigest).toBe(image.id);
  });

  it('hands gzip, truncated and GNU-format archives to the full parser', async () => {
    const bytes = webImage('shop/web:3').bytes;
    expect(await readSmallEntriesBySeeking(await file(gzip(bytes)))).toBeUndefined();
    expect(await readSmallEntriesBySeeking(await file(bytes.subarray(0, bytes.length - 1024 - 512)))).toBeUndefined();
    const gnu = Buffer.from(bytes);
    gnu.write('ustar  \0', 257, 'latin1');
    expect(await readSmallEntriesBySeeking(await file(gnu))).toBeUndefined();
  });

  it('agrees with node-tar on every mutated archive it accepts', async () => {
    const sources = [webImage('victim:1').bytes, paxArchive()];
    const flips = fc.array(fc.record({ block: fc.nat(), at: fc.integer({ min: 0, max: 511 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sources.length - 1 }), flips, async (which, changes) => {
        const bytes = Buffer.from(sources[which]!);
        const blocks = bytes.length / 512;
        for (const c of changes) bytes[(c.block % blocks) * 512 + c.at] = c.byte;
        const path = await file(bytes);
        const fast = await readSmallEntriesBySeeking(path);
        if (!fast) return;
        accepted++;
        // whatever the fast path accepts, node-tar's strict parser reads the same way
        expect(asObject(fast)).toEqual(asObject(await readSmallEntries(path)));
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
