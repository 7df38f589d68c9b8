/**
 * Hostile and broken archives, built byte by byte by these tests: each must be refused with
 * its problem code, and leave nothing behind (the unpack folder is removed, nothing is written
 * outside it).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import type { ProblemCode } from '../../../shared/bundle/problems';
import { openBundle, type OpenBundleOptions } from '../../../electron/services/bundles/open';
import { packBundle } from '../../../electron/services/bundles/pack';
import { verifyBundle } from '../../../electron/services/bundles/verify';
import { bundleEntries, gzip, makeTempDir, rawTar, removeDir, writeBundle, type BuiltBundle, type RawEntry } from '../../unit/bundles/builders';

let dir: string;
let workDir: string;
let settingsDir: string;
let built: BuiltBundle;
beforeEach(async () => {
  dir = await makeTempDir('bundles-archives-');
  workDir = join(dir, 'work');
  settingsDir = join(dir, 'config'); // no settings.json unless a test writes one
  await mkdir(workDir);
  built = await writeBundle(join(dir, 'src'));
});
afterEach(async () => removeDir(dir));

async function archive(name: string, entries: RawEntry[], compress = true): Promise<string> {
  const file = join(dir, name);
  const tar = rawTar(entries);
  await writeFile(file, compress ? gzip(tar) : tar);
  return file;
}

async function expectRefused(file: string, code: ProblemCode, opts: OpenBundleOptions = {}) {
  let error: unknown;
  try {
    const opened = await openBundle(file, { workDir, settingsDir, ...opts });
    await opened.dispose();
  } catch (err) {
    error = err;
  }
  expect(error, 'openBundle should refuse the archive').toBeInstanceOf(WorkbenchError);
  const problems = ((error as WorkbenchError).details as { problems: { code: string; path?: string; message: string }[] }).problems;
  expect(problems.map((p) => p.code)).toEqual([code]);
  // nothing left behind: the private unpack folder is gone
  expect(await readdir(workDir)).toEqual([]);
  return problems[0]!;
}

describe('opening archives', () => {
  it('a good .tgz and .tar open, verify, and dispose cleanly; ./ prefixes and a top folder are fine', async () => {
    const entries = await bundleEntries(built);
    for (const [name, list, gz] of [
      ['good.tgz', entries, true],
      ['good.tar', entries, false],
      ['dotted.tar.gz', [{ path: './', type: 'Directory' as const }, ...entries.map((e) => ({ ...e, path: `./${e.path}` }))], true],
      ['nested.tgz', [{ path: 'incident/', type: 'Directory' as const }, ...entries.map((e) => ({ ...e, path: `incident/${e.path}` }))], true],
    ] as const) {
      const file = await archive(name, [...list], gz);
      const opened = await openBundle(file, { workDir, settingsDir });
      expect(opened.packed).toBe(true);
      const r = await verifyBundle(opened, { trustedKeysDir: null });
      expect(r.problems, name).toEqual([]);
      await opened.dispose();
      expect(await readdir(workDir)).toEqual([]);
    }
  });

  it('unsafe_archive: absolute path (nothing written there)', async () => {
    const target = join(dir, 'abs-evil.txt');
    const p = await expectRefused(await archive('abs.tgz', [...(await bundleEntries(built)), { path: target, body: 'pwned' }]), 'unsafe_archive');
    expect(p.message).toContain('absolute');
    expect(existsSync(target)).toBe(false);
  });

  it.each([['../evil.txt'], ['images/../../evil.txt'], ['a/../../../evil.txt']])('unsafe_archive: %s', async (path) => {
    const p = await expectRefused(await archive('dotdot.tgz', [{ path: 'bundle.json', body: '{}' }, { path, body: 'pwned' }]), 'unsafe_archive');
    expect(p.message).toContain("'..'");
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });

  it.each([
    ['symbolic link', { path: 'images/web.tar', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
    ['relative symlink', { path: 'x', type: 'SymbolicLink', linkpath: 'bundle.json' }],
    ['hard link', { path: 'copy.json', type: 'Link', linkpath: 'bundle.json' }],
    ['hard link outside', { path: 'shadow', type: 'Link', linkpath: '/etc/shadow' }],
    ['character device', { path: 'null', type: 'CharacterDevice', devmaj: 1, devmin: 3 }],
    ['block device', { path: 'sda', type: 'BlockDevice', devmaj: 8, devmin: 0 }],
    ['FIFO', { path: 'pipe', type: 'FIFO' }],
  ] as [string, RawEntry][])('unsafe_archive: %s, even after good entries were written', async (what, bad) => {
    const p = await expectRefused(await archive('link.tgz', [...(await bundleEntries(built)), bad]), 'unsafe_archive');
    expect(p.message).toContain(what.replace(/ outside$/, '').replace('relative symlink', 'symbolic link'));
  });

  it('unsafe_archive: two entries with the same name (the second would overwrite a checked file)', async () => {
    const entries = await bundleEntries(built);
    const p = await expectRefused(await archive('dup.tgz', [...entries, { path: 'runbook.md', body: 'rm -rf /' }]), 'unsafe_archive');
    expect(p.message).toContain('two entries named "runbook.md"');
  });

  it('archive_limit: too many entries (default raisable by setting and by option)', async () => {
    const entries = await bundleEntries(built, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`logs/${i}.jsonl`, '{}\n'])));
    const file = await archive('many.tgz', entries);
    const p = await expectRefused(file, 'archive_limit', { limits: { maxEntries: 8 } });
    expect(p.message).toMatch(/more than 8 entries/);

    await mkdir(settingsDir, { recursive: true });
    await writeFile(join(settingsDir, 'settings.json'), JSON.stringify({ bundles: { maxEntries: 5 } }));
    await expectRefused(file, 'archive_limit');
    // the explicit option (CLI flag) wins over the setting; the archive then opens (its files are unlisted, which verify reports)
    const opened = await openBundle(file, { workDir, settingsDir, limits: { maxEntries: 1000 } });
    await opened.dispose();
  });

  it('archive_limit: too many unpacked bytes', async () => {
    const big = Buffer.alloc(64 * 1024, 7);
    const p = await expectRefused(await archive('big.tgz', [{ path: 'bundle.json', body: '{}' }, { path: 'blob.bin', body: big }]), 'archive_limit', { limits: { maxUnpackedBytes: 32 * 1024 } });
    expect(p.message).toMatch(/more than 32768 bytes/);
  });

  it('archive_limit: a header claiming 25 GiB is refused by the default 20 GiB limit before any data', async () => {
    await expectRefused(await archive('huge.tar', [{ path: 'bundle.json', body: '{}' }, { path: 'huge.bin', size: 25 * 1024 ** 3 }], false), 'archive_limit');
  });

  it('corrupt_archive: damaged gzip, truncated gzip, not a tar at all, truncated tar', async () => {
    const good = gzip(rawTar(await bundleEntries(built)));
    const damaged = Buffer.from(good);
    for (let i = 200; i < 260; i++) damaged[i] = damaged[i]! ^ 0x5a;
    await writeFile(join(dir, 'damaged.tgz'), damaged);
    // Each says what is wrong in words, not as a stream library's error code alone.
    expect((await expectRefused(join(dir, 'damaged.tgz'), 'corrupt_archive')).message).toMatch(/^archive is damaged: its gzip data does not decompress/);

    await writeFile(join(dir, 'cut.tgz'), good.subarray(0, Math.floor(good.length / 2)));
    expect((await expectRefused(join(dir, 'cut.tgz'), 'corrupt_archive')).message).toMatch(/^archive is truncated/);

    await writeFile(join(dir, 'noise.tar'), Buffer.from('this is not a tar archive, just text. '.repeat(100)));
    expect((await expectRefused(join(dir, 'noise.tar'), 'corrupt_archive')).message).toMatch(/^archive is (neither a tar|damaged or not a tar)/);

    const tar = rawTar(await bundleEntries(built));
    await writeFile(join(dir, 'cut.tar'), tar.subarray(0, 512 * 3 + 100));
    expect((await expectRefused(join(dir, 'cut.tar'), 'corrupt_archive')).message).toMatch(/^archive is truncated/);

    await writeFile(join(dir, 'short.tgz'), good.subarray(0, 5));
    expect((await expectRefused(join(dir, 'short.tgz'), 'corrupt_archive')).message).toMatch(/^archive is truncated/);
  });

  it('a folder bundle packed with repro pack opens and verifies', async () => {
    const out = join(dir, 'packed.tgz');
    await packBundle(built.root, out);
    const opened = await openBundle(out, { workDir, settingsDir });
    expect((await verifyBundle(opened, { trustedKeysDir: null })).ok).toBe(true);
    await opened.dispose();
  });
});
