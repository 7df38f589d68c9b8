import { unlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { generateSigningKey } from '../../services/bundles/keys';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'keygen',
    summary: 'make an Ed25519 key pair for signing bundles (NAME.key.pem, NAME.pub.pem)',
    usage: ['keygen -o NAME [--force] [--json]'],
    description: `Writes NAME.key.pem (PKCS#8 private key, mode 0600) and NAME.pub.pem (SPKI public key) and
prints the key id (SHA-256 of the public key's SPKI DER), the id bundle signatures carry.
Give NAME.pub.pem to the people who verify your bundles (repro verify --key NAME.pub.pem, or
repro keys add NAME.pub.pem to trust it for good). Keep NAME.key.pem to yourself.`,
    positionals: false,
    options: [
      { name: 'out', short: 'o', value: 'NAME', help: 'path prefix for the two files (required)' },
      { name: 'force', help: 'overwrite existing files' },
      { name: 'json', help: 'print {"keyid","privateKey","publicKey"}' },
    ],
    exits: { 0: 'both files written', 1: 'a file exists (without --force) or cannot be written' },
  },
  async ({ values }, io) => {
    if (!values.out) throw new UsageError('-o NAME is required');
    const base = resolve(io.cwd, values.out.replace(/\.(key|pub)\.pem$/, ''));
    const privateKey = `${base}.key.pem`;
    const publicKey = `${base}.pub.pem`;
    const k = generateSigningKey();
    const flag = values.force ? 'w' : 'wx';
    try {
      await writeFile(privateKey, k.privatePem, { mode: 0o600, flag });
      // a pair or nothing: a public key that cannot be written takes its private key with it
      await writeFile(publicKey, k.publicPem, { mode: 0o644, flag }).catch(async (err: unknown) => {
        await unlink(privateKey).catch(() => undefined);
        throw err;
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new WorkbenchError('conflict', `${(err as NodeJS.ErrnoException).path} exists; use --force to overwrite`);
      }
      throw err;
    }
    if (values.json) printJson(io, { keyid: k.keyid, privateKey, publicKey });
    else io.stdout(`keyid ${k.keyid}\n  private: ${privateKey}\n  public:  ${publicKey}\n`);
    return 0;
  },
);
