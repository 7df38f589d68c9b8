/* eslint-disable @typescript-eslint/no-explicit-any -- these tests edit untyped manifest JSON to make it wrong on purpose */
import { appendFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import type { ProblemCode } from '../../../shared/bundle/problems';
import { generateSigningKey } from '../../../electron/services/bundles/keys';
import { updateManifestFiles } from '../../../electron/services/bundles/manifest-files';
import { openBundle } from '../../../electron/services/bundles/open';
import { signBundleFolder } from '../../../electron/services/bundles/signature';
import { verifyBundle, type VerifyOptions } from '../../../electron/services/bundles/verify';
import { DigestCache } from '../../../electron/services/bundles/digest-cache';
import { verifyGate } from '../../../electron/services/environments';
import { makeTempDir, removeDir, webImage, writeBundle } from './builders';

let dir: string;
let root: string;
let keysDir: string;
beforeEach(async () => {
  dir = await makeTempDir();
  root = join(dir, 'bundle');
  keysDir = join(dir, 'trusted-keys'); // empty unless a test puts keys there
});
afterEach(async () => removeDir(dir));

async function verify(opts: VerifyOptions = {}) {
  const opened = await openBundle(root);
  return verifyBundle(opened, { trustedKeysDir: keysDir, ...opts });
}
async function openProblems(): Promise<{ code: ProblemCode; path?: string; message: string }[]> {
  try {
    await openBundle(root);
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('bundle_invalid');
    return ((err as WorkbenchError).details as { problems: never[] }).problems;
  }
  throw new Error('expected openBundle to fail');
}
async function keyPair(name: string) {
  const k = generateSigningKey();
  await writeFile(join(dir, `${name}.key.pem`), k.privatePem);
  await writeFile(join(dir, `${name}.pub.pem`), k.publicPem);
  return { ...k, priv: join(dir, `${name}.key.pem`), pub: join(dir, `${name}.pub.pem`) };
}

describe('verifyBundle on folders', () => {
  it('a correct bundle verifies, reports progress in bytes, and is unsigned', async () => {
    const built = await writeBundle(root);
    const seen: number[] = [];
    const r = await verify({ onProgress: (p) => seen.push(p.done) });
    expect(r).toMatchObject({ ok: true, bundle: { id: 'INC-TEST-1', title: 'Test incident' }, signature: { status: 'unsigned' }, problems: [] });
    expect(r.files).toEqual({ checked: (built.manifest.files as unknown[]).length, failed: 0 });
    const total = (built.manifest.files as { size: number }[]).reduce((a, f) => a + f.size, 0);
    expect(seen.at(-1)).toBe(total);
  });

  it('with a digest cache, a second verification hashes nothing that did not change, and a changed file is caught', async () => {
    await writeBundle(root);
    const file = join(dir, 'state', 'digests.json');
    const first = await verify({ digestCache: new DigestCache(file) });
    expect(first.ok).toBe(true);
    expect(first.files.reused).toBe(0);
    const again = await verify({ digestCache: new DigestCache(file) });
    expect(again.ok).toBe(true);
    expect(again.files.reused).toBe(again.files.checked);
    // the gate `repro up` uses says so
    const gate = await verifyGate({ trustedKeysDir: keysDir, digestCache: new DigestCache(file) })(await openBundle(root));
    expect(gate.note).toMatch(/^\d+ of \d+ files unchanged since they were last verified \(same size, times and inode\)/);
    // a file changed since: hashed again, and its wrong digest is found
    await appendFile(join(root, 'images', 'web.tar'), 'x');
    const changed = await verify({ digestCache: new DigestCache(file) });
    expect(changed.ok).toBe(false);
    expect(changed.problems.map((p) => p.code)).toContain('size_mismatch');
    expect(changed.files.reused).toBe(changed.files.checked - 1);
  });

  it('parse: bundle.json syntax error names line and column', async () => {
    await writeBundle(root);
    await writeFile(join(root, 'bundle.json'), '{\n  "schema": "repro.bundle/v1",\n  oops\n}');
    const [p] = await openProblems();
    expect(p).toMatchObject({ code: 'parse', path: 'bundle.json' });
    expect(p!.message).toContain('line 3, column 3');
  });

  it('schema: unknown key is refused with its pointer', async () => {
    await writeBundle(root, { edit: (m) => ((m.services as any[])[0].capAdd = ['SYS_ADMIN']) });
    const problems = await openProblems();
    expect(problems).toEqual([expect.objectContaining({ code: 'schema', path: 'bundle.json#/services/0/capAdd' })]);
  });

  it('unsafe_path: a manifest path that escapes the bundle', async () => {
    await writeBundle(root, { edit: (m) => ((m.services as any[])[0].volumes = [{ snapshot: '../../etc/shadow', target: '/data' }]) });
    const problems = await openProblems();
    expect(problems[0]).toMatchObject({ code: 'unsafe_path', path: 'bundle.json#/services/0/volumes/0/snapshot' });
  });

  it('unsafe_path: a symlink inside a folder bundle is reported and never followed', async () => {
    await writeBundle(root);
    await writeFile(join(dir, 'outside.txt'), 'secret');
    await symlink(join(dir, 'outside.txt'), join(root, 'traffic', 'link.har'));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'unsafe_path', path: 'traffic/link.har' })]);
  });

  it('unsafe_path: bundle.json itself as a symlink is refused', async () => {
    await writeBundle(root);
    await writeFile(join(dir, 'real.json'), await readFile(join(root, 'bundle.json')));
    await rm(join(root, 'bundle.json'));
    await symlink(join(dir, 'real.json'), join(root, 'bundle.json'));
    expect((await openProblems())[0]).toMatchObject({ code: 'unsafe_path', path: 'bundle.json' });
  });

  it('missing_file, unlisted_file, size_mismatch, digest_mismatch are reported by path', async () => {
    await writeBundle(root);
    await rm(join(root, 'runbook.md'));
    await writeFile(join(root, 'traffic', 'extra.har'), '{}');
    await appendFile(join(root, 'metrics', 'latency.json'), ' ');
    const har = await readFile(join(root, 'traffic', 'web.har'));
    har[0] = har[0]! ^ 1; // same size, different bytes
    await writeFile(join(root, 'traffic', 'web.har'), har);
    const r = await verify();
    expect(r.ok).toBe(false);
    const got = r.problems.map((p) => `${p.code} ${p.path}`).sort();
    expect(got).toEqual(['digest_mismatch traffic/web.har', 'missing_file runbook.md', 'size_mismatch metrics/latency.json', 'unlisted_file traffic/extra.har']);
    expect(r.files.failed).toBe(3);
  });

  it('big binary files hashed on worker threads give the same verdicts', async () => {
    await writeBundle(root);
    const tar = await readFile(join(root, 'images', 'web.tar'));
    tar[tar.length - 2000] = tar[tar.length - 2000]! ^ 1; // inside the tar's padding: same size, image still readable
    await writeFile(join(root, 'images', 'web.tar'), tar);
    const seen: string[] = [];
    const r = await verify({ workerMinBytes: 1, onProgress: (p) => p.path && seen.push(p.path) });
    expect(r.problems.map((p) => `${p.code} ${p.path}`)).toEqual(['digest_mismatch images/web.tar']);
    expect(seen).toContain('images/web.tar');
    await writeBundle(root);
    expect((await verify({ workerMinBytes: 1 })).ok).toBe(true);
  });

  it('image_id_mismatch: the archive holds a different image than image.id says', async () => {
    const other = webImage('shop/web:1.0.0', '<h1>tampered</h1>\n');
    await writeBundle(root, {
      extraFiles: { 'images/other.tar': other.bytes },
      edit: (m) => {
        const svc = (m.services as any[])[0];
        svc.image.archive = 'images/other.tar';
      },
    });
    const r = await verify();
    expect(r.problems).toEqual([expect.objectContaining({ code: 'image_id_mismatch', path: 'images/other.tar' })]);
    // the right id passes: the config digest is computed from the archive's config bytes
    expect(other.id).not.toBe(webImage().id);
  });

  it('image ids are also read from an OCI image layout', async () => {
    const { rawTar, sha256 } = await import('./builders');
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: `sha256:${sha256(config)}`, size: config.length }, layers: [] }));
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, size: manifest.length }] }));
    const oci = rawTar([
      { path: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
      { path: 'index.json', body: index },
      { path: `blobs/sha256/${sha256(manifest)}`, body: manifest },
      { path: `blobs/sha256/${sha256(config)}`, body: config },
    ]);
    await writeBundle(root, {
      extraFiles: { 'images/oci.tar': oci },
      edit: (m) => {
        const svc = (m.services as any[])[0];
        svc.image.archive = 'images/oci.tar';
        svc.image.id = `sha256:${sha256(config)}`;
      },
    });
    const ok = await verify();
    expect(ok.problems).toEqual([]);
  });

  it('corrupt_archive: an image archive that is not an image', async () => {
    await writeBundle(root, { extraFiles: { 'images/web.tar': 'definitely not a tar file'.repeat(40) } });
    const r = await verify();
    expect(r.problems).toEqual([expect.objectContaining({ code: 'corrupt_archive', path: 'images/web.tar' })]);
  });

  it('signatures: trusted with --key or the trusted-keys folder, untrusted otherwise, invalid when altered', async () => {
    await writeBundle(root);
    const alice = await keyPair('alice');
    const mallory = await keyPair('mallory');
    const { keyid } = await signBundleFolder(root, alice.privatePem);
    expect(keyid).toBe(alice.keyid);

    let r = await verify();
    expect(r).toMatchObject({ ok: true, signature: { status: 'untrusted', keyid: alice.keyid } });

    r = await verify({ keys: [alice.pub] });
    expect(r).toMatchObject({ ok: true, signature: { status: 'trusted', keyid: alice.keyid } });

    r = await verify({ keys: [mallory.pub] });
    expect(r.ok).toBe(false);
    expect(r.signature.status).toBe('untrusted');
    expect(r.problems.map((p) => p.code)).toEqual(['signature_untrusted']);

    await mkdir(keysDir, { recursive: true });
    await writeFile(join(keysDir, 'alice.pem'), alice.publicPem);
    r = await verify();
    expect(r.signature).toEqual({ status: 'trusted', keyid: alice.keyid });

    // payload no longer equals bundle.json
    const text = await readFile(join(root, 'bundle.json'), 'utf8');
    await writeFile(join(root, 'bundle.json'), text.replace('Test incident', 'Test incident!'));
    r = await verify();
    expect(r).toMatchObject({ ok: false, signature: { status: 'invalid' } });
    expect(r.problems.map((p) => p.code)).toEqual(['signature_invalid']);
  });

  it('signature_invalid: a signature that does not verify with the key it names', async () => {
    await writeBundle(root);
    const alice = await keyPair('alice');
    await signBundleFolder(root, alice.privatePem);
    const envFile = join(root, 'attestations', 'bundle.dsse.json');
    const env = JSON.parse(await readFile(envFile, 'utf8'));
    const sig = Buffer.from(env.signatures[0].sig, 'base64');
    sig[5] = sig[5]! ^ 0xff;
    env.signatures[0].sig = sig.toString('base64');
    await writeFile(envFile, JSON.stringify(env));
    const r = await verify({ keys: [alice.pub] });
    expect(r).toMatchObject({ ok: false, signature: { status: 'invalid', keyid: alice.keyid } });
    expect(r.problems.map((p) => p.code)).toEqual(['signature_invalid']);
    // without the key we cannot check the signature, but an invalid one must never pass silently with it
  });

  it('signature_untrusted: --key given but the bundle is unsigned', async () => {
    await writeBundle(root);
    const alice = await keyPair('alice');
    const r = await verify({ keys: [alice.pub] });
    expect(r).toMatchObject({ ok: false, signature: { status: 'unsigned' } });
    expect(r.problems.map((p) => p.code)).toEqual(['signature_untrusted']);
  });

  it('warns (does not fail) about credentials in env values and text files, without echoing them', async () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    await writeBundle(root, {
      extraFiles: { 'logs/app.jsonl': `{"ts":1,"service":"web","msg":"x"}\n{"ts":2,"service":"web","msg":"key ${secret}"}\n` },
      edit: (m) => ((m.services as any[])[0].env.AWS_KEY = secret),
    });
    const r = await verify();
    expect(r.ok).toBe(true);
    const w = r.warnings.filter((x) => x.code === 'secret_suspect');
    expect(w.map((x) => x.path).sort()).toEqual(['bundle.json#/services/0/env/AWS_KEY', 'logs/app.jsonl']);
    expect(w.find((x) => x.path === 'logs/app.jsonl')!.message).toContain('line 2');
    expect(JSON.stringify(r)).not.toContain(secret);
  });
});

describe('repro manifest (recompute files)', () => {
  it('lists added, removed and changed files and keeps the rest of bundle.json', async () => {
    await writeBundle(root);
    await writeFile(join(root, 'traffic', 'new.har'), '{"log":{}}');
    await rm(join(root, 'runbook.md'));
    await appendFile(join(root, 'metrics', 'latency.json'), '\n');
    const u = await updateManifestFiles(root);
    expect(u).toMatchObject({ added: ['traffic/new.har'], removed: ['runbook.md'], changed: ['metrics/latency.json'], written: true });
    const r = await verify();
    expect(r.problems).toEqual([]);
    const again = await updateManifestFiles(root);
    expect(again.written).toBe(false);
  });
});
