// Bundle file list and DSSE signature for the sample, with node:crypto only, so building the
// sample does not depend on the workbench code it is meant to exercise.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const PAYLOAD_TYPE = 'application/vnd.repro.bundle+json';

/** Every file of the bundle but bundle.json and attestations/*, sorted, with digest and size. */
export async function listBundleFiles(root: string): Promise<Array<{ path: string; sha256: string; size: number }>> {
  const out: Array<{ path: string; sha256: string; size: number }> = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isDirectory()) {
        if (rel !== 'attestations') await walk(full);
      } else if (entry.isFile() && rel !== 'bundle.json') {
        const bytes = await readFile(full);
        out.push({ path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
      } else if (!entry.isFile()) {
        throw new Error(`${rel}: only regular files belong in the sample bundle`);
      }
    }
  };
  await walk(root);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** DSSE pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function keyIdOfPublicPem(publicPem: string): string {
  const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** Ed25519 signatures are deterministic, so the envelope is the same bytes for the same manifest. */
export function dsseEnvelope(manifestBytes: Buffer, privatePem: string): string {
  const key = createPrivateKey(privatePem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the sample key must be Ed25519, got ${key.asymmetricKeyType}`);
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const sig = sign(null, pae(PAYLOAD_TYPE, manifestBytes), key);
  const envelope = {
    payloadType: PAYLOAD_TYPE,
    payload: manifestBytes.toString('base64'),
    signatures: [{ keyid: keyIdOfPublicPem(publicPem), sig: sig.toString('base64') }],
  };
  return JSON.stringify(envelope, null, 2) + '\n';
}

/** The published sample key pair; created once (then committed) if it does not exist yet. */
export async function sampleKeys(keysDir: string): Promise<{ privatePem: string; publicPem: string; created: boolean }> {
  const priv = join(keysDir, 'sample.key.pem');
  const pub = join(keysDir, 'sample.pub.pem');
  if (existsSync(priv)) {
    const privatePem = await readFile(priv, 'utf8');
    const publicPem = createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' }).toString();
    if (!existsSync(pub) || (await readFile(pub, 'utf8')) !== publicPem) await writeFile(pub, publicPem);
    return { privatePem, publicPem, created: false };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await mkdir(keysDir, { recursive: true });
  await writeFile(priv, privatePem, { mode: 0o600 });
  await writeFile(pub, publicPem);
  return { privatePem, publicPem, created: true };
}
