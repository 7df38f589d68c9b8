import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { trustedKeysDir } from '../../services/paths';
import { addTrustedKey, listTrustedKeys, removeTrustedKey } from '../../services/bundles/trusted-keys';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'keys',
    summary: 'list, add or remove the public keys whose bundle signatures verify trusts',
    usage: ['keys list [--json]', 'keys add FILE.pub.pem [--name NAME] [--json]', 'keys remove KEYID|NAME [--json]'],
    description: `The trusted-keys folder (<config>/trusted-keys, or $REPRO_HOME/config/trusted-keys; see
docs/state.md) holds the public keys repro verify and the workbench accept signatures from. add
checks the file is an Ed25519 public key and stores only that (a private key is refused) as
NAME.pem; remove takes a key id, at least 8 of its hex digits, or the name list shows (with or
without .pem).`,
    subcommands: ['list', 'add', 'remove'],
    defaultSubcommand: 'list',
    options: [
      { name: 'name', value: 'NAME', for: ['add'], help: 'file name for an added key (default: the first 16 hex digits of its key id)' },
      { name: 'json', help: 'print {"dir","keys":[{"keyid","file"}],"skipped"} (list) or the key changed' },
    ],
    exits: { 0: 'done', 1: 'no such file or key, not an Ed25519 public key, or a name already taken' },
  },
  async ({ values, positionals }, io) => {
    const [action, arg, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const dir = trustedKeysDir(io.env);
    switch (action as 'list' | 'add' | 'remove') {
      case 'list': {
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
        const removed = await removeTrustedKey(dir, arg);
        if (values.json) printJson(io, { dir, ...removed, removed: true });
        else io.stdout(`no longer trusted: ${removed.keyid} (${removed.file})\n`);
        return 0;
      }
    }
  },
);
