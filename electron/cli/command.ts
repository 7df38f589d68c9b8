/**
 * One CLI subcommand. Each lives in electron/cli/commands/<name>.ts, exported as
 * `command = defineCommand(spec, run)`, a thin shell over a service in electron/services/, and is
 * listed, with its summary and a loader, in electron/cli/commands/index.ts. The spec (spec.ts)
 * declares its whole command line; main() parses argv by it before `run` is called, and help,
 * docs/cli.md and README's table are made from it.
 *
 * Conventions (all commands; docs/cli.md says them once): `--json` prints exactly one JSON
 * document on stdout (on failure `{"error":{"code","message"}}`); human output otherwise;
 * progress for long work goes to stderr; exit 0 done, 1 the work failed (a path that does not
 * exist included), 2 the command line is wrong (throw UsageError), 130 cancelled (Ctrl-C).
 */
import type { CommandSpec, ParsedArgs } from './spec';

export interface CliIo {
  stdout: (text: string) => void; // writes text as-is (add your own newline)
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stderr is a TTY (progress may redraw a line). */
  isTTY: boolean;
}

export interface CliCommand<S extends CommandSpec = CommandSpec> {
  readonly name: string; // e.g. 'verify', or 'runbook' for `repro runbook run ...`
  readonly summary: string; // one line for `repro --help`
  readonly spec: S;
  /** Runs with argv already parsed by the spec; returns the exit code. */
  run(args: ParsedArgs<S>, io: CliIo): Promise<number>;
}

/** A command from its declared command line and what it does with it (values typed from the spec). */
export function defineCommand<const S extends CommandSpec>(spec: S, run: (args: ParsedArgs<S>, io: CliIo) => Promise<number>): CliCommand<S> {
  return { name: spec.name, summary: spec.summary, spec, run };
}

/** What commands/index.ts knows of a command without loading it. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<{ command: CliCommand }>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}
