import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import { WorkbenchError } from '../../../shared/api/errors';
import { openBundle } from '../../services/bundles/open';
import { signBundleFolder } from '../../services/bundles/signature';
import { verifyBundle } from '../../services/bundles/verify';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'sign',
    summary: 'sign a bundle folder (DSSE, Ed25519) into attestations/bundle.dsse.json',
    usage: ['sign <bundle-folder> --key NAME.key.pem [--json]'],
    description: `Signs the exact bytes of bundle.json; since bundle.json pins every other file's SHA-256, the one
signature covers the whole bundle. The folder must verify first (run \`repro manifest\` after
changing files), so a signature never vouches for a broken bundle. Replaces an existing signature.`,
    options: [
      { name: 'key', value: 'FILE', help: 'Ed25519 private key (PEM, from repro keygen; required)' },
      { name: 'json', help: 'print {"keyid","file"}' },
    ],
    exits: { 0: 'signed', 1: 'no such folder or key file, an archive given instead of a folder, or the folder does not verify' },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle folder');
    if (!values.key) throw new UsageError('--key NAME.key.pem is required');
    const folder = resolve(io.cwd, positionals[0]!);
    const keyFile = resolve(io.cwd, values.key);
    const opened = await openBundle(folder);
    if (opened.packed) {
      await opened.dispose();
      throw new WorkbenchError('invalid_argument', `${folder} is an archive: sign the bundle folder, then pack it (repro pack)`);
    }
    // Integrity only: the old signature (if any) is about to be replaced, so it is not judged.
    const report = await verifyBundle(opened, { requireTrusted: false, trustedKeysDir: null });
    const integrity = report.problems.filter((p) => !p.code.startsWith('signature_'));
    if (integrity.length > 0) {
      throw new WorkbenchError('bundle_invalid', `the bundle does not verify, not signing:\n${integrity.map((p) => `  [${p.code}] ${p.message}`).join('\n')}`, { problems: integrity });
    }
    const pem = await readFile(keyFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new WorkbenchError('not_found', `cannot read --key ${keyFile}: ${err.code ?? err.message}`);
    });
    const { keyid, file } = await signBundleFolder(folder, pem, keyFile);
    if (values.json) printJson(io, { keyid, file });
    else io.stdout(`signed ${opened.manifest.incident.id} with key ${keyid}\n  wrote ${DSSE_ENVELOPE_PATH}\n`);
    return 0;
  },
);
