import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKey } from '../../services/bundles/keys';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'keygen',
  summary: 'make an Ed25519 key pair for signing bundles (NAME.key.pem, NAME.pub.pem)',
  usage: `Usage: repro keygen -o NAME [--force] [--json]

Writes NAME.key.pem (PKCS#8 private key, mode 0600) and NAME.pub.pem (SPKI public key) and
prints the key id (SHA-256 of the public key's SPKI DER), the id bundle signatures carry.
Give NAME.pub.pem to the people who verify your bundles (repro verify --key NAME.pub.pem, or
repro keys add NAME.pub.pem to trust it for good). Keep NAME.key.pem to yourself.

Options:
  -o, --out NAME  path prefix for the two files
  --force         overwrite existing files
  --json          print {"keyid","privateKey","publicKey"}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.out) throw new UsageError('-o NAME is required');
    const base = resolve(io.cwd, values.out.replace(/\.(key|pub)\.pem$/, ''));
    const privateKey = `${base}.key.pem`;
    const publicKey = `${base}.pub.pem`;
    const k = generateSigningKey();
    const flag = values.force ? 'w' : 'wx';
    try {
      await writeFile(privateKey, k.privatePem, { mode: 0o600, flag });
      await writeFile(publicKey, k.publicPem, { mode: 0o644, flag });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UsageError(`${(err as NodeJS.ErrnoException).path} exists; use --force to overwrite`);
      }
      throw err;
    }
    if (values.json) printJson(io, { keyid: k.keyid, privateKey, publicKey });
    else io.stdout(`keyid ${k.keyid}\n  private: ${privateKey}\n  public:  ${publicKey}\n`);
    return 0;
  },
};
