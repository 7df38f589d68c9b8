// The sample's signing key, and DSSE's pre-authentication encoding written out independently of
// the workbench's (the sample's tests check the signature with it, not with the code under test).
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** DSSE pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
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
