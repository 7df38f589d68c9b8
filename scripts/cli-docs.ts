/**
 * Writes the CLI reference from the command definitions: docs/cli.md (exit codes, every
 * command's --help) and README.md's command table, between their GENERATED markers.
 *
 *   npm run docs:cli            write them
 *   npm run docs:cli -- --check exit 1 when they are out of date (the unit test does the same)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../electron/cli/commands';
import { cliReference, loadSpecs, readmeTable, replaceGenerated } from '../electron/cli/reference';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specs = await loadSpecs(commands);
const ref = cliReference(specs);
const targets: Array<[string, (t: string) => string]> = [
  ['docs/cli.md', (t) => replaceGenerated(replaceGenerated(t, 'exit-codes', ref.exitCodes), 'commands', ref.commands)],
  ['README.md', (t) => replaceGenerated(t, 'commands', readmeTable(specs))],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, update] of targets) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = update(before);
  if (after === before) continue;
  stale++;
  if (check) console.error(`${file} is out of date: run npm run docs:cli`);
  else {
    writeFileSync(path, after);
    console.error(`wrote ${file}`);
  }
}
process.exit(check && stale ? 1 : 0);
