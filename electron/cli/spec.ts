/**
 * A command's command line, declared once: its usage lines, what it does, every option with its
 * help, and what its exit codes mean. From this one declaration come the parser main() runs
 * before the command (strict: an option not declared here is a usage error), the command's
 * `--help`, and docs/cli.md and README's command table (scripts/generate-docs.ts), so help, docs
 * and behaviour cannot drift. Commands never call parseArgs themselves (a lint rule holds that).
 *
 * This module is small and imports nothing heavy: `repro --help` loads it.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './command';

export interface OptionSpec {
  /** The long name, without the dashes (`max-bytes`). */
  readonly name: string;
  /** A one-letter alias (`o` for `-o`). */
  readonly short?: string;
  /** The value's placeholder in help (`FILE`, `N`); absent for a flag that takes no value. */
  readonly value?: string;
  /** Repeatable: every occurrence is kept, in order. */
  readonly multiple?: boolean;
  /** What it does (one sentence; continuation lines are wrapped by the author). */
  readonly help: string;
  /** The subcommands that take it (first positional); absent: all of them. */
  readonly for?: readonly string[];
  /** A heading this option is listed under (long option lists, as capture's). */
  readonly group?: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for `repro --help` and README's table. */
  readonly summary: string;
  /** The synopsis lines, each as typed after `repro ` (`verify <bundle> [--key FILE]...`). */
  readonly usage: readonly string[];
  /** What the command does, in prose, wrapped at about 100 columns. */
  readonly description: string;
  /** Subcommands (`record show`, `keys add`): the first positional must be one of them. */
  readonly subcommands?: readonly string[];
  /** The subcommand run when none is given (`repro keys` lists). */
  readonly defaultSubcommand?: string;
  /** false: the command takes no positional argument (only options). */
  readonly positionals?: false;
  readonly options: readonly OptionSpec[];
  /** Text after the options (modes, notes on --json, Ctrl-C). */
  readonly notes?: string;
  /**
   * What 0, 1 (and 130, when it can be cancelled) mean for this command; 2 is always "the
   * command line is wrong" (docs/cli.md has the one table of exit codes).
   */
  readonly exits: { readonly 0: string; readonly 1: string; readonly 130?: string };
}

type OptionValue<O extends OptionSpec> = O extends { value: string } ? (O extends { multiple: true } ? string[] : string) : boolean;

/** The parsed options of a spec, typed from its declaration (`as const`). */
export type OptionValues<S extends CommandSpec> = { [O in S['options'][number] as O['name']]?: OptionValue<O> };

export interface ParsedArgs<S extends CommandSpec> {
  values: OptionValues<S>;
  positionals: string[];
}

/** Strict parse of `argv` by the spec: an unknown option, a missing value or an option its subcommand does not take is a usage error. */
export function parseCommandLine<S extends CommandSpec>(spec: S, argv: string[]): ParsedArgs<S> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of spec.options) options[o.name] = { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    // node:util's messages name the option; keep them, as a usage error
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\n.*$/s, ''));
  }
  if (spec.positionals === false && parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}" (${spec.name} takes options only)`);
  if (spec.subcommands) {
    if (parsed.positionals.length === 0 && spec.defaultSubcommand) parsed.positionals.unshift(spec.defaultSubcommand);
    const sub = parsed.positionals[0];
    if (sub === undefined) throw new UsageError(`expected a subcommand: ${orList(spec.subcommands)}`);
    if (!spec.subcommands.includes(sub)) throw new UsageError(`unknown subcommand "${sub}" (${orList(spec.subcommands)})`);
    for (const o of spec.options) {
      if (o.for && parsed.values[o.name] !== undefined && !o.for.includes(sub)) throw new UsageError(`--${o.name} is for ${spec.name} ${orList(o.for)}, not ${sub}`);
    }
  }
  return parsed as ParsedArgs<S>;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** How an option reads in help: `-o, --out FILE`, `--key FILE`, `--json`. */
export function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

/** The command's `--help`: usage, description, options (grouped), notes and exit codes. */
export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  spec.usage.forEach((u, i) => lines.push(`${i === 0 ? 'Usage: ' : '       '}repro ${u}`));
  lines.push('', spec.description.trimEnd());
  if (spec.options.length) {
    const width = Math.min(28, Math.max(...spec.options.map((o) => optionLabel(o).length)));
    const groups: string[] = [];
    for (const o of spec.options) if (!groups.includes(o.group ?? '')) groups.push(o.group ?? '');
    for (const g of groups) {
      lines.push('', g ? `${g}:` : 'Options:');
      for (const o of spec.options.filter((x) => (x.group ?? '') === g)) {
        const label = optionLabel(o);
        const help = `${o.help}${o.multiple ? ' (repeatable)' : ''}${o.for && spec.subcommands && o.for.length < spec.subcommands.length ? ` [${o.for.join(', ')}]` : ''}`;
        const [first, ...rest] = help.split('\n');
        if (label.length > width) lines.push(`  ${label}`, `  ${' '.repeat(width)}  ${first}`);
        else lines.push(`  ${label.padEnd(width)}  ${first}`);
        for (const r of rest) lines.push(`  ${' '.repeat(width)}  ${r.trim()}`);
      }
    }
  }
  if (spec.notes) lines.push('', spec.notes.trimEnd());
  lines.push('', 'Exit codes:');
  lines.push(`  0    ${spec.exits[0]}`);
  lines.push(`  1    ${spec.exits[1]}`);
  lines.push('  2    the command line is wrong (unknown option, missing or malformed argument)');
  if (spec.exits[130]) lines.push(`  130  ${spec.exits[130]}`);
  return lines.join('\n') + '\n';
}

/** The one table of exit codes (help, docs/cli.md). */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'done: the command did its work (a verdict it reports, such as a failed replay comparison, is data, not a failure)' },
  { code: 1, meaning: 'the work failed: a path or session that does not exist, a bundle that does not verify, an engine that does not answer, a step that failed' },
  { code: 2, meaning: 'the command line itself is wrong: unknown command or option, missing or malformed argument; nothing was done' },
  { code: 130, meaning: 'cancelled by Ctrl-C (SIGINT) or SIGTERM; what the command started is stopped and cleaned up' },
];
