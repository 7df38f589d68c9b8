/**
 * One truth for the CLI (issue 21): every command's --help, as a user gets it, is in docs/cli.md
 * word for word, every flag it declares is one the parser takes and the docs name, and README's
 * table lists every command. A command or flag added without regenerating the docs
 * (npm run docs:cli) fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command';
import { commands } from '../../../electron/cli/commands';
import { main } from '../../../electron/cli/main';
import { cliReference, commandTitle, loadSpecs, readmeTable, replaceGenerated } from '../../../electron/cli/reference';
import { optionLabel, parseCommandLine } from '../../../electron/cli/spec';

const root = join(import.meta.dirname, '..', '..', '..');
const cliMd = readFileSync(join(root, 'docs', 'cli.md'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

async function help(name: string): Promise<{ code: number; text: string }> {
  let text = '';
  const io: CliIo = { stdout: (t) => void (text += t), stderr: () => undefined, env: {}, cwd: root, isTTY: false };
  return { code: await main([name, '--help'], io), text };
}

/** The docs/cli.md section of one command (from its heading to the next). */
function section(name: string): string {
  const start = cliMd.indexOf(`## \`repro ${name}\``);
  expect(start, `docs/cli.md has no section for repro ${name}`).toBeGreaterThan(-1);
  const next = cliMd.indexOf('\n## ', start + 1);
  return cliMd.slice(start, next < 0 ? undefined : next);
}

describe('the CLI reference (docs/cli.md, README) is the commands\' own help', async () => {
  const specs = await loadSpecs(commands);

  it.each(commands.map((c) => c.name))('repro %s --help is in docs/cli.md word for word, with every flag', async (name) => {
    const { code, text } = await help(name);
    expect(code).toBe(0);
    expect(text).toMatch(/^Usage: repro /);
    expect(text).toContain('Exit codes:');
    const docs = section(name);
    expect(docs, `docs/cli.md's section for repro ${name} is not its --help: run npm run docs:cli`).toContain(text.trimEnd());
    const spec = specs.find((s) => s.name === name)!;
    for (const o of spec.options) {
      expect(docs).toContain(optionLabel(o));
      // what the help documents, the parser takes (for a subcommand that takes it)
      const argv = [...(spec.subcommands ? [o.for?.[0] ?? spec.subcommands[0]!] : []), `--${o.name}`, ...(o.value ? ['x'] : [])];
      expect(() => parseCommandLine(spec, argv), `${name} --${o.name}`).not.toThrow();
    }
    expect(readme).toContain(`[\`${commandTitle(spec).replace(/\|/g, '\\|')}\`](docs/cli.md#repro-${name})`);
  });

  it('docs/cli.md and README.md hold what the specs generate now (no hand edits inside the markers)', () => {
    const ref = cliReference(specs);
    expect(replaceGenerated(replaceGenerated(cliMd, 'exit-codes', ref.exitCodes), 'commands', ref.commands)).toBe(cliMd);
    expect(replaceGenerated(readme, 'commands', readmeTable(specs))).toBe(readme);
  });

  it('a flag no command declares is a usage error (2), in every command', async () => {
    for (const c of commands) {
      let err = '';
      const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), env: {}, cwd: root, isTTY: false };
      expect(await main([c.name, '--no-such-flag'], io), c.name).toBe(2);
      expect(err).toContain('--no-such-flag');
    }
  });
});
