/**
 * Hostile corpus, attack 5: `bundle.verify` with `keys` naming anything on the host. A key is a
 * regular file of at most 64 KiB; a device (/dev/zero grew the server by hundreds of MB), a
 * FIFO (blocks forever) or a big file is refused before it is read.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperationInProcess } from '../../../electron/api/dispatch';
import { generateSigningKey, loadKeyFile } from '../../../electron/services/bundles/keys';
import { createWorkbench, type Workbench } from '../../../electron/services/workbench';
import { makeTempDir, minimalManifest, removeDir } from '../bundles/builders';

let dir: string;
let wb: Workbench;
let handle: string;

beforeAll(async () => {
  dir = await makeTempDir('hostile-keys-');
  const root = join(dir, 'bundle');
  execFileSync('mkdir', [root]);
  writeFileSync(join(root, 'bundle.json'), JSON.stringify(minimalManifest('INC-KEYS')));
  // A public key followed by 100 KiB of padding: a real key, but not a key file anyone writes.
  writeFileSync(join(dir, 'big.pem'), generateSigningKey().publicPem + '\n'.repeat(100 * 1024));
  execFileSync('mkfifo', [join(dir, 'fifo.pem')]);
  wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: join(dir, 'home') } });
  const opened = await runOperationInProcess(wb, 'bundle.open', { path: root }, 'test').end;
  if (opened.state !== 'done') throw new Error(`bundle.open ended ${opened.state}`);
  handle = opened.result.handle;
});
afterAll(() => removeDir(dir));

const verifyWith = async (key: string) => (await runOperationInProcess(wb, 'bundle.verify', { handle, keys: [key] }, 'test').end) as { error?: { code: string; message: string } };

describe('bundle.verify keys are small regular files', () => {
  it('refuses a device without reading it', async () => {
    expect((await verifyWith('/dev/null')).error?.message).toMatch(/\/dev\/null is not a regular file/);
    const before = process.memoryUsage().rss;
    const zero = await verifyWith('/dev/zero');
    expect(zero.error?.message).toMatch(/\/dev\/zero is not a regular file/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a FIFO without blocking on it', async () => {
    expect((await verifyWith(join(dir, 'fifo.pem'))).error?.message).toMatch(/fifo\.pem is not a regular file/);
  });

  it('refuses a file larger than 64 KiB', async () => {
    expect((await verifyWith(join(dir, 'big.pem'))).error?.message).toMatch(/big\.pem is \d+ bytes; a key file is at most 65536/);
  });

  it('still reads a real key', async () => {
    const key = generateSigningKey();
    writeFileSync(join(dir, 'ok.pem'), key.publicPem);
    expect((await loadKeyFile(join(dir, 'ok.pem'))).keyid).toBe(key.keyid);
  });
});
