/**
 * The bundle commands end to end through the CLI entry point: keygen -> sign -> verify --key,
 * manifest, and pack twice giving identical bytes.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import type { VerifyReport } from '../../../shared/bundle/problems';
import { bundleEntries, gzip, makeTempDir, rawTar, removeDir, writeBundle } from '../../unit/bundles/builders';

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await makeTempDir('bundles-cli-');
  root = join(dir, 'bundle');
  await writeBundle(root);
});
afterEach(async () => removeDir(dir));

async function repro(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ...process.env, REPRO_HOME: join(dir, 'home') },
    cwd: dir,
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');

describe('repro verify / keygen / sign / manifest / pack', () => {
  it('verify --json prints exactly the report shape and exits 0 for a good bundle', async () => {
    const r = await repro('verify', 'bundle', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as VerifyReport;
    expect(Object.keys(report).sort()).toEqual(['bundle', 'files', 'ok', 'problems', 'signature', 'warnings']);
    expect(report).toMatchObject({ ok: true, bundle: { id: 'INC-TEST-1', title: 'Test incident' }, signature: { status: 'unsigned' }, files: { checked: 4, failed: 0 }, problems: [] });
  });

  it('keygen -> sign -> verify --key: trusted, exit 0; another key: exit 1 with signature_untrusted', async () => {
    expect((await repro('keygen', '-o', 'alice')).code).toBe(0);
    expect((await repro('keygen', '-o', 'eve', '--json')).code).toBe(0);
    expect(((await stat(join(dir, 'alice.key.pem'))).mode & 0o777).toString(8)).toBe('600');
    expect((await repro('keygen', '-o', 'alice')).code).toBe(1); // refuses to overwrite

    const signed = await repro('sign', 'bundle', '--key', 'alice.key.pem', '--json');
    expect(signed.code).toBe(0);
    const { keyid } = JSON.parse(signed.stdout) as { keyid: string };

    const good = await repro('verify', 'bundle', '--key', 'alice.pub.pem', '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).signature).toEqual({ status: 'trusted', keyid });

    const wrong = await repro('verify', 'bundle', '--key', 'eve.pub.pem', '--json');
    expect(wrong.code).toBe(1);
    expect((JSON.parse(wrong.stdout) as VerifyReport).problems.map((p) => p.code)).toEqual(['signature_untrusted']);

    // without --key a valid-but-untrusted signature does not fail integrity
    const noKey = await repro('verify', 'bundle', '--json');
    expect(noKey.code).toBe(0);
    expect(JSON.parse(noKey.stdout).signature.status).toBe('untrusted');

    // an altered manifest makes the signature invalid: always exit 1, with or without --key
    const text = await readFile(join(root, 'bundle.json'), 'utf8');
    await writeFile(join(root, 'bundle.json'), text.replace('"SEV3"', '"SEV1"'));
    const altered = await repro('verify', 'bundle', '--json');
    expect(altered.code).toBe(1);
    expect(JSON.parse(altered.stdout)).toMatchObject({ ok: false, signature: { status: 'invalid' } });
  });

  it('sign refuses a bundle that does not verify', async () => {
    await repro('keygen', '-o', 'alice');
    await appendFile(join(root, 'runbook.md'), 'changed\n');
    const r = await repro('sign', 'bundle', '--key', 'alice.key.pem');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('size_mismatch');
  });

  it('manifest --check reports drift (exit 1), manifest fixes it, then verify passes', async () => {
    await appendFile(join(root, 'runbook.md'), 'more\n');
    const check = await repro('manifest', 'bundle', '--check', '--json');
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ written: false, outOfDate: true, changed: ['runbook.md'] });
    expect((await repro('verify', 'bundle')).code).toBe(1);
    expect((await repro('manifest', 'bundle')).code).toBe(0);
    expect((await repro('verify', 'bundle')).code).toBe(0);
  });

  it('pack is deterministic: packing twice (even after touching mtimes and modes) gives identical bytes', async () => {
    expect((await repro('pack', 'bundle', '-o', 'one.tgz')).code).toBe(0);
    // change what a non-deterministic packer would leak: mtimes and permission bits
    const { utimes, chmod } = await import('node:fs/promises');
    await utimes(join(root, 'runbook.md'), new Date(), new Date(Date.now() - 86_400_000));
    await chmod(join(root, 'runbook.md'), 0o600);
    expect((await repro('pack', 'bundle', '-o', 'two.tgz')).code).toBe(0);
    expect(await sha(join(dir, 'two.tgz'))).toBe(await sha(join(dir, 'one.tgz')));
    const v = await repro('verify', 'one.tgz', '--json');
    expect(v.code).toBe(0);
    expect(v.stderr).toContain('Unpacking');
  });

  it('verify of a hostile archive exits 1 with the problem code in JSON', async () => {
    const built = { root, manifest: JSON.parse(await readFile(join(root, 'bundle.json'), 'utf8')), imageId: '' };
    const entries = await bundleEntries(built);
    await writeFile(join(dir, 'evil.tgz'), gzip(rawTar([...entries, { path: 'x', type: 'SymbolicLink', linkpath: '/etc/passwd' }])));
    const r = await repro('verify', 'evil.tgz', '--json');
    expect(r.code).toBe(1);
    // refused before its signature could be looked at: not "unsigned" (issue 21)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, signature: { status: 'not_checked' }, problems: [{ code: 'unsafe_archive', path: 'x' }] });
    expect((await repro('verify', 'evil.tgz')).stdout).toContain('signature: not checked');
    // a truncated download says so, not what the stream library said when it stopped (issue 21)
    const whole = gzip(rawTar(entries));
    await writeFile(join(dir, 'cut.tgz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const cut = await repro('verify', 'cut.tgz', '--json');
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout).problems).toEqual([expect.objectContaining({ code: 'corrupt_archive', message: expect.stringContaining('archive is truncated') })]);
    const limited = await repro('verify', 'evil.tgz', '--json', '--max-entries', '2');
    expect(JSON.parse(limited.stdout).problems[0].code).toBe('archive_limit');
  });

  it('a wrong command line exits 2; a path or key that does not exist or cannot be used is failed work, 1 (docs/cli.md)', async () => {
    expect((await repro('verify')).code).toBe(2);
    expect((await repro('verify', 'bundle', '--max-bytes', 'lots')).code).toBe(2);
    expect((await repro('pack', 'bundle', '-o', 'x.zip')).code).toBe(2);
    const missing = await repro('verify', 'no-such-bundle', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'not_found' } });
    await writeFile(join(dir, 'not-a-key.pem'), 'hello');
    const badKey = await repro('verify', 'bundle', '--key', 'not-a-key.pem');
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('not-a-key.pem');
    expect((await repro('verify', 'bundle', '--key', 'missing.pem')).code).toBe(1);
    // the same fault, the same code, and with --json the one {error} document, in every command that reads a path
    const nothing = 'no-such-bundle';
    for (const argv of [['traces', nothing], ['judge', nothing], ['manifest', nothing], ['sign', nothing, '--key', 'alice.key.pem'], ['pack', nothing, '-o', 'x.tgz'], ['runbook', 'check', nothing], ['traffic', 'add', nothing, 'x.har']]) {
      const r = await repro(...argv, '--json');
      expect(r.code, argv.join(' ')).toBe(1);
      expect(JSON.parse(r.stdout), argv.join(' ')).toMatchObject({ error: { code: expect.stringMatching(/^(not_found|invalid_argument)$/) } });
    }
    // a folder that does not verify: pack and sign refuse with the problems as the error's details
    const listed = (JSON.parse(await readFile(join(dir, 'bundle', 'bundle.json'), 'utf8')) as { files: Array<{ path: string }> }).files[0]!.path;
    await appendFile(join(dir, 'bundle', listed), 'changed after the manifest');
    const refused = await repro('pack', 'bundle', '-o', 'y.tgz', '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'bundle_invalid', details: { problems: expect.any(Array) } } });
  });
});
