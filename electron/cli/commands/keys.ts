import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkbenchError } from '../../../shared/api/errors';
import { trustedKeysDir } from '../../services/paths';
import { addTrustedKey, listTrustedKeys, removeTrustedKey } from '../../services/bundles/trusted-keys';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'keys',
  summary: 'list, add or remove the public keys whose bundle signatures verify trusts',
  usage: `Usage: repro keys list [--json]
       repro keys add FILE.pub.pem [--name NAME] [--json]
       repro keys remove KEYID|NAME [--json]

The trusted-keys folder (<config>/trusted-keys, or $REPRO_HOME/config/trusted-keys) holds the
public keys repro verify and the workbench accept signatures from. add checks the file is an
Ed25519 public key and stores only that (a private key is refused); remove takes a key id, at
least 8 of its hex digits, or the file name list shows.

Options:
  --name NAME  file name for an added key (default: the first 16 hex digits of its key id)
  --json       print {"dir","keys":[{"keyid","file"}],"skipped"} (list) or the key changed`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { name: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    const [action, arg, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const dir = trustedKeysDir(io.env);
    switch (action) {
      case 'list':
      case undefined: {
        if (arg !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
        const listed = await listTrustedKeys(dir);
        if (values.json) printJson(io, listed);
        else {
          io.stdout(listed.keys.length ? listed.keys.map((k) => `${k.keyid}  ${k.file}\n`).join('') : `no trusted keys in ${dir}\n`);
          for (const s of listed.skipped) io.stderr(`skipped ${s}\n`);
        }
        return 0;
      }
      case 'add': {
        if (!arg) throw new UsageError('keys add needs a public key file');
        const file = resolve(io.cwd, arg);
        let pem: string;
        try {
          pem = await readFile(file, 'utf8');
        } catch (err) {
          throw new WorkbenchError('not_found', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const added = await addTrustedKey(dir, pem, file, values.name);
        if (values.json) printJson(io, { dir, ...added });
        else io.stdout(added.added ? `trusted ${added.keyid} (${dir}/${added.file})\n` : `already trusted: ${added.keyid} (${added.file})\n`);
        return 0;
      }
      case 'remove': {
        if (!arg) throw new UsageError('keys remove needs a key id or name');
        if (values.name !== undefined) throw new UsageError('--name is for keys add');
        const removed = await removeTrustedKey(dir, arg);
        if (values.json) printJson(io, { dir, ...removed, removed: true });
        else io.stdout(`no longer trusted: ${removed.keyid} (${removed.file})\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action}" (list, add or remove)`);
    }
  },
};
