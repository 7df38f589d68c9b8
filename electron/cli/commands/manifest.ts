import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { lstat } from 'node:fs/promises';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import { updateManifestFiles } from '../../services/bundles/manifest-files';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'manifest',
  summary: "recompute bundle.json's files list (paths, sizes, SHA-256) from a bundle folder",
  usage: `Usage: repro manifest <bundle-folder> [--check] [--json]

Hashes every file in the folder except bundle.json and attestations/*, and rewrites the "files"
array of bundle.json (sorted by path), keeping everything else as written. Refuses folders that
contain links or devices, and leaves bundle.json untouched if the result would not be a valid
manifest. Changing bundle.json invalidates an existing signature: run repro sign afterwards.

Options:
  --check  do not write; exit 1 if bundle.json is out of date
  --json   print {"written","added","removed","changed","files"}`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { check: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle folder');
    const folder = resolve(io.cwd, positionals[0]!);
    const u = await updateManifestFiles(folder, { dryRun: values.check });
    const outOfDate = u.added.length + u.removed.length + u.changed.length > 0;
    const signed = await lstat(resolve(folder, DSSE_ENVELOPE_PATH)).then(() => true, () => false);
    if (values.json) printJson(io, { written: u.written, outOfDate, added: u.added, removed: u.removed, changed: u.changed, files: u.files });
    else {
      const lines = [`${u.files.length} files listed${values.check ? (outOfDate ? ' — bundle.json is OUT OF DATE' : ' — up to date') : u.written ? ' — bundle.json updated' : ' — no change'}`];
      for (const p of u.added) lines.push(`  + ${p}`);
      for (const p of u.removed) lines.push(`  - ${p}`);
      for (const p of u.changed) lines.push(`  ~ ${p}`);
      if (u.written && signed) lines.push(`  note: ${DSSE_ENVELOPE_PATH} no longer matches; re-sign with repro sign`);
      io.stdout(lines.join('\n') + '\n');
    }
    return values.check && outOfDate ? 1 : 0;
  },
};
