import { resolve } from 'node:path';
import { lstat } from 'node:fs/promises';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import { updateManifestFiles } from '../../services/bundles/manifest-files';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'manifest',
    summary: "recompute bundle.json's files list (paths, sizes, SHA-256) from a bundle folder",
    usage: ['manifest <bundle-folder> [--check] [--json]'],
    description: `Hashes every file in the folder except bundle.json and attestations/*, and rewrites the "files"
array of bundle.json (sorted by path), keeping everything else as written. Refuses folders that
contain links or devices, and leaves bundle.json untouched if the result would not be a valid
manifest. Changing bundle.json invalidates an existing signature: run repro sign afterwards.`,
    options: [
      { name: 'check', help: 'do not write; exit 1 if bundle.json is out of date' },
      { name: 'json', help: 'print {"written","outOfDate","added","removed","changed","files"}' },
    ],
    exits: { 0: 'bundle.json is (now) up to date', 1: 'no such folder, a folder that cannot be listed, or (--check) bundle.json is out of date' },
  },
  async ({ values, positionals }, io) => {
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
);
