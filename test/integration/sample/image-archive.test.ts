import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busyboxLayer } from '../../../examples/build/busybox-layer';
import { writeImageArchive } from '../../../examples/build/image-archive';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('image archive loaded by the real Docker engine', () => {
  // A tag unique to this run, so removing it never touches anyone else's image.
  const repoTag = `repro-test/image-archive:${randomBytes(6).toString('hex')}`;
  let dir = '';

  afterAll(async () => {
    try { docker('rmi', '--force', repoTag); } catch { /* never loaded */ }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('docker load yields exactly the computed image id, and the image runs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-archive-it-'));
    const file = join(dir, 'image.tar');
    const { id } = await writeImageArchive(file, {
      repoTag,
      layers: [busyboxLayer(), { files: [{ path: 'www/hello.txt', mode: 0o644, content: 'hello from the layer\n' }] }],
      config: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['cat /www/hello.txt; id -u'], Env: ['PATH=/bin:/usr/bin'] },
    });
    expect(docker('load', '-i', file)).toContain(`Loaded image: ${repoTag}`);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', repoTag)).toBe(id);
    expect(docker('run', '--rm', repoTag)).toBe('hello from the layer\n0');
  });
});
