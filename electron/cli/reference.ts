/**
 * The CLI reference as the docs print it, made from the command specs: docs/cli.md's commands
 * section (each command's --help, verbatim) and README's command table. scripts/cli-docs.ts
 * writes them between GENERATED markers; test/unit/foundation/cli-docs.test.ts fails when the
 * files differ from what the specs say now (a command or flag left undocumented).
 */
import type { CommandEntry } from './command';
import { EXIT_CODES, formatHelp, type CommandSpec } from './spec';

/** The region of a Markdown file between `<!-- BEGIN GENERATED: name -->` and its END marker. */
export function replaceGenerated(text: string, name: string, body: string): string {
  const begin = `<!-- BEGIN GENERATED: ${name} (scripts/cli-docs.ts from electron/cli/commands; do not edit by hand) -->`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers for "${name}" not found: add the line\n${begin}\n${end}`);
  return `${text.slice(0, i + begin.length)}\n${body.trimEnd()}\n${text.slice(j)}`;
}

/** GitHub's anchor of a `## \`repro name\`` heading. */
export const anchorOf = (name: string) => `repro-${name}`;

/** What a command is called in tables: `repro record show|note|mark|stats`. */
export function commandTitle(spec: CommandSpec): string {
  return `repro ${spec.name}${spec.subcommands ? ` ${spec.subcommands.join('|')}` : ''}`;
}

/** docs/cli.md: the exit codes and every command's help, in `repro --help` order. */
export function cliReference(specs: CommandSpec[]): { exitCodes: string; commands: string } {
  const exitCodes = ['| code | meaning |', '|---|---|', ...EXIT_CODES.map((e) => `| ${e.code} | ${e.meaning} |`)].join('\n');
  const commands = specs
    .map((s) => [`## \`repro ${s.name}\``, '', s.summary.charAt(0).toUpperCase() + s.summary.slice(1) + '.', '', '```text', formatHelp(s).trimEnd(), '```', ''].join('\n'))
    .join('\n');
  return { exitCodes, commands };
}

/** README's table: one row per command, linked to its section of docs/cli.md. */
export function readmeTable(specs: CommandSpec[]): string {
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  return ['| command | what it does |', '|---|---|', ...specs.map((s) => `| [\`${esc(commandTitle(s))}\`](docs/cli.md#${anchorOf(s.name)}) | ${esc(s.summary)} |`)].join('\n');
}

/** Every command's spec, loaded through the index (each module once). */
export async function loadSpecs(entries: CommandEntry[]): Promise<CommandSpec[]> {
  return Promise.all(entries.map(async (e) => (await e.load()).command.spec));
}
