import { resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { openBundle } from '../../services/bundles/open';
import { packBundle } from '../../services/bundles/pack';
import { verifyBundle } from '../../services/bundles/verify';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'pack',
    summary: 'pack a bundle folder into a deterministic .tgz (same input, same bytes)',
    usage: ['pack <bundle-folder> -o OUT.tgz [--force] [--json]'],
    description: `Writes a gzip'd tar with entries sorted by path, a fixed mtime, uid/gid 0, no owner names,
mode 0644 and a gzip header without timestamp or OS, so packing the same folder twice gives
identical bytes (and the same SHA-256). The folder must verify first (its signature, if any,
must not be invalid), so a packed bundle is never broken on arrival.`,
    options: [
      { name: 'out', short: 'o', value: 'FILE', help: 'output archive, ending in .tgz or .tar.gz (required)' },
      { name: 'force', help: 'pack even if the folder does not verify' },
      { name: 'json', help: 'print {"file","entries","bytes"}' },
    ],
    exits: { 0: 'packed', 1: 'no such folder, an archive given instead of a folder, or the folder does not verify' },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle folder');
    if (!values.out) throw new UsageError('-o OUT.tgz is required');
    if (!/\.(tgz|tar\.gz)$/i.test(values.out)) throw new UsageError('the output name must end in .tgz or .tar.gz');
    const folder = resolve(io.cwd, positionals[0]!);
    const out = resolve(io.cwd, values.out);
    const opened = await openBundle(folder);
    if (opened.packed) {
      await opened.dispose();
      throw new WorkbenchError('invalid_argument', `${folder} is an archive; pack takes a bundle folder`);
    }
    if (!values.force) {
      const report = await verifyBundle(opened, { requireTrusted: false, trustedKeysDir: null });
      if (!report.ok) {
        // with --json too, the refusal is the one {error} document (its details list the problems)
        throw new WorkbenchError('bundle_invalid', `the bundle does not verify, not packing (use --force to pack anyway):\n${report.problems.map((p) => `  [${p.code}] ${p.message}`).join('\n')}`, { problems: report.problems });
      }
    }
    const r = await packBundle(folder, out);
    if (values.json) printJson(io, { file: out, ...r });
    else io.stdout(`packed ${r.entries} files (${r.bytes} bytes) into ${out}\n`);
    return 0;
  },
);
