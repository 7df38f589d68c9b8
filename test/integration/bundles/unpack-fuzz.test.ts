/**
 * Property: whatever tar a hostile author writes, opening it either fails and leaves nothing,
 * or succeeds with only regular files and folders, all inside the unpack folder.
 */
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import { openBundle } from '../../../electron/services/bundles/open';
import { gzip, makeTempDir, rawTar, removeDir, type RawEntry } from '../../unit/bundles/builders';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('bundles-fuzz-');
});
afterAll(async () => removeDir(dir));

const MANIFEST = JSON.stringify({
  schema: 'repro.bundle/v1',
  incident: { id: 'F', title: 'fuzz', severity: 'SEV4', startedAt: '2026-01-01T00:00:00Z' },
  provenance: { source: { repo: 'r', commit: 'c' } },
  services: [],
  files: [],
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'fuzz',
});

const segment = fc.constantFrom('a', 'b', '..', '.', '', 'bundle.json', 'x.tar');
const name = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => '/' + s.join('/')),
  fc.constant('bundle.json'),
);
const entry: fc.Arbitrary<RawEntry> = fc.record({
  path: name,
  type: fc.constantFrom('File', 'File', 'File', 'Directory', 'SymbolicLink', 'Link', 'FIFO', 'CharacterDevice'),
  linkpath: fc.constantFrom('/etc/passwd', '../../x', 'bundle.json', 'a'),
  body: fc.constantFrom('x', MANIFEST, ''),
}).map((e) => (e.type === 'SymbolicLink' || e.type === 'Link' ? e : { path: e.path, type: e.type, body: e.body }));

async function walk(root: string): Promise<string[]> {
  const bad: string[] = [];
  for (const d of await readdir(root, { withFileTypes: true })) {
    const p = join(root, d.name);
    const st = await lstat(p);
    if (st.isDirectory()) bad.push(...(await walk(p)));
    else if (!st.isFile()) bad.push(p);
  }
  return bad;
}

describe('unpacking arbitrary archives', () => {
  it('never leaves anything behind on refusal and never writes links, devices or outside files', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.boolean(), async (entries, compress) => {
        const run = join(dir, `run-${n++}`);
        const work = join(run, 'work');
        await mkdir(work, { recursive: true });
        const file = join(run, compress ? 'b.tgz' : 'b.tar');
        const tar = rawTar(entries);
        await writeFile(file, compress ? gzip(tar) : tar);
        try {
          const opened = await openBundle(file, { workDir: work, settingsDir: join(run, 'none') });
          expect(await walk(work)).toEqual([]);
          await opened.dispose();
        } catch (err) {
          expect(err).toBeInstanceOf(WorkbenchError);
        }
        expect(await readdir(work)).toEqual([]);
        // nothing escaped next to the work folder
        expect((await readdir(run)).sort()).toEqual([compress ? 'b.tgz' : 'b.tar', 'work']);
      }),
      { numRuns: 150 },
    );
  });
});
