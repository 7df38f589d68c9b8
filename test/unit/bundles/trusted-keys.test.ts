// `repro keys` through the CLI entry point: trusting a key is what makes verify accept a
// signature without --key, and removing it takes that back. Only public keys are ever stored.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { makeTempDir, removeDir, writeBundle } from './builders';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('trusted-keys-');
  await writeBundle(join(dir, 'bundle'));
});
afterEach(async () => removeDir(dir));

async function repro(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { ...process.env, REPRO_HOME: join(dir, 'home') }, cwd: dir, isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const signatureStatus = async () => (JSON.parse((await repro('verify', 'bundle', '--json')).stdout) as { signature: { status: string } }).signature.status;

describe('repro keys', () => {
  it('add makes verify trust the signer, list shows it, remove takes it back', async () => {
    expect((await repro('keygen', '-o', 'alice')).code).toBe(0);
    const signed = JSON.parse((await repro('sign', 'bundle', '--key', 'alice.key.pem', '--json')).stdout) as { keyid: string };
    expect(await signatureStatus()).toBe('untrusted');

    const added = await repro('keys', 'add', 'alice.pub.pem', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ keyid: signed.keyid, file: `${signed.keyid.slice(0, 16)}.pem`, added: true });
    expect(await signatureStatus()).toBe('trusted');

    // Adding it again changes nothing; list shows one key.
    expect(JSON.parse((await repro('keys', 'add', 'alice.pub.pem', '--json')).stdout).added).toBe(false);
    const listed = JSON.parse((await repro('keys', 'list', '--json')).stdout) as { keys: { keyid: string }[] };
    expect(listed.keys.map((k) => k.keyid)).toEqual([signed.keyid]);

    const removed = await repro('keys', 'remove', signed.keyid.slice(0, 8));
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(signed.keyid);
    expect(await signatureStatus()).toBe('untrusted');
    expect((await repro('keys', 'list')).stdout).toMatch(/no trusted keys/);
  });

  it('stores only the public key, refuses a private key or a non-key, and names what is wrong', async () => {
    await repro('keygen', '-o', 'bob');
    const priv = await repro('keys', 'add', 'bob.key.pem');
    expect(priv.code).toBe(1);
    expect(priv.stderr).toMatch(/private key.*public half/);
    await writeFile(join(dir, 'junk.pem'), 'not a key\n');
    const junk = await repro('keys', 'add', 'junk.pem');
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain('junk.pem');
    expect((await repro('keys', 'add', 'missing.pem')).code).toBe(1);

    expect((await repro('keys', 'add', 'bob.pub.pem', '--name', 'bob-laptop')).code).toBe(0);
    const keysDir = join(dir, 'home', 'config', 'trusted-keys');
    expect(await readdir(keysDir)).toEqual(['bob-laptop.pem']);
    const stored = await readFile(join(keysDir, 'bob-laptop.pem'), 'utf8');
    expect(stored).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(stored).not.toMatch(/PRIVATE/);
    expect((await repro('keys', 'add', 'bob.pub.pem', '--name', '../escape')).code).toBe(1);
  });

  it('remove by file name; unknown or ambiguous names are errors; bad usage exits 2', async () => {
    await repro('keygen', '-o', 'carol');
    await repro('keys', 'add', 'carol.pub.pem', '--name', 'carol');
    expect((await repro('keys', 'remove', 'nobody')).code).toBe(1);
    expect((await repro('keys', 'remove', 'carol')).code).toBe(0);
    expect((await repro('keys', 'remove', 'carol')).code).toBe(1);
    expect((await repro('keys', 'frobnicate')).code).toBe(2);
    expect((await repro('keys', 'add')).code).toBe(2);
    expect((await repro('keys', 'remove', 'carol', '--name', 'x')).code).toBe(2); // --name is for add
    expect((await repro('keys')).code).toBe(0); // list, as before
  });
});
