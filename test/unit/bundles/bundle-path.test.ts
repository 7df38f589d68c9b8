import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BundlePathError,
  bundleFileExists,
  bundleFileStream,
  listBundleFolder,
  readBundleFile,
  readBundleFileSync,
  resolveBundlePath,
} from '../../../electron/services/bundles/bundle-path';
import { makeTempDir, removeDir } from './builders';

let dir: string;
let root: string;
let outside: string;

beforeAll(async () => {
  dir = await makeTempDir('bundle-path-');
  root = join(dir, 'bundle');
  outside = join(dir, 'outside');
  mkdirSync(join(root, 'traces'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'host secret\n');
  writeFileSync(join(root, 'traces', 'a.json'), '{"a":1}');
  writeFileSync(join(root, 'runbook.md'), '# ok\n');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'traces', 'leak.json'));
  symlinkSync(outside, join(root, 'linked-folder'));
  symlinkSync('/dev/zero', join(root, 'zero.bin'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
});
afterAll(() => removeDir(dir));

const reasonOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof BundlePathError ? e.reason : `other: ${String(e)}`));

describe('bundle paths: one checked way in', () => {
  it('reads regular files', async () => {
    expect(await readBundleFile(root, 'traces/a.json', { encoding: 'utf8' })).toBe('{"a":1}');
    expect(readBundleFileSync(root, 'runbook.md')).toBe('# ok\n');
    expect(await bundleFileExists(root, 'runbook.md')).toBe(true);
    expect(await bundleFileExists(root, 'nope.md')).toBe(false);
  });

  it('refuses links to files, links to folders, devices, FIFOs and spelled-out escapes', async () => {
    expect(await reasonOf(readBundleFile(root, 'traces/leak.json'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, 'linked-folder/secret.txt'))).toBe('unsafe');
    expect(await reasonOf(resolveBundlePath(root, 'linked-folder', 'folder'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, 'zero.bin'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, 'fifo'))).toBe('not_file');
    expect(await reasonOf(readBundleFile(root, '../outside/secret.txt'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, '/etc/passwd'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, 'traces/./a.json'))).toBe('unsafe');
    expect(await reasonOf(readBundleFile(root, 'runbook.md/x'))).toBe('not_folder');
    expect(await reasonOf(readBundleFile(root, 'missing/x.json'))).toBe('missing');
    expect(() => readBundleFileSync(root, 'traces/leak.json')).toThrow(BundlePathError);
  });

  it('bounds what it reads', async () => {
    expect(await reasonOf(readBundleFile(root, 'traces/a.json', { maxBytes: 3 }))).toBe('too_large');
    expect(() => readBundleFileSync(root, 'traces/a.json', { maxBytes: 3 })).toThrow(/at most 3/);
  });

  it('lists only regular files of a folder, and nothing behind a linked folder', async () => {
    expect(await listBundleFolder(root, 'traces', /\.json$/)).toEqual([{ name: 'a.json', bytes: 7 }]);
    expect(await listBundleFolder(root, 'absent')).toEqual([]);
    expect(await reasonOf(listBundleFolder(root, 'linked-folder'))).toBe('unsafe');
  });

  it('streams a checked file', async () => {
    const { stream, size } = await bundleFileStream(root, 'runbook.md');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(size).toBe(5);
    expect(Buffer.concat(chunks).toString()).toBe('# ok\n');
  });
});
