/**
 * One CLI subcommand. Each lives in electron/cli/commands/<name>.ts (exported as `command`) as a
 * thin shell over a service in electron/services/, and is listed, with its summary and a loader,
 * in electron/cli/commands/index.ts.
 *
 * Conventions (all commands): `--json` prints exactly one JSON document on stdout; human output
 * otherwise; progress for long work goes to stderr; exit 0 success, 1 the work failed,
 * 2 usage error (throw UsageError).
 */
export interface CliIo {
  stdout: (text: string) => void; // writes text as-is (add your own newline)
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stderr is a TTY (progress may redraw a line). */
  isTTY: boolean;
}

export interface CliCommand {
  name: string; // e.g. 'verify', or 'runbook' for `repro runbook run ...`
  summary: string; // one line for `repro --help`
  usage: string; // full help text for `repro <name> --help`
  run(argv: string[], io: CliIo): Promise<number>; // returns the exit code
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
