import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrorCode } from '../../shared/api/errors';
import { findAppRoot } from '../services/app-root';
import { timed, timingTable } from '../services/timing';
import { UsageError, type CliIo } from './command';
import { commands } from './commands';
import { EXIT_CANCELLED, printJsonError } from './operation';

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(findAppRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'repro — Repro Workbench command line: verify, bring up, replay and record production incidents.',
    '',
    'Usage: repro <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --help, -h     show help (also: repro <command> --help)',
    '  --version, -v  print the version',
    '',
    'Conventions: --json prints one JSON document on stdout (on failure {"error":{"code","message"}});',
    'progress goes to stderr; Ctrl-C cancels the running operation (with --json its partial',
    'result is still printed); exit 0 success, 1 the work failed, 2 usage error, 130 cancelled.',
  ].join('\n');
}

export const defaultIo = (): CliIo => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stderr.isTTY),
});

/** Runs one command line; returns the exit code (never calls process.exit, so tests can call it). */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(help() + '\n');
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(version() + '\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === first);
  const json = rest.includes('--json');
  if (!entry) {
    if (json) printJsonError(io, { code: 'invalid_argument', message: `unknown command "${first}"` });
    io.stderr(`repro: unknown command "${first}"\n\n${help()}\n`);
    return 2;
  }
  const trace = io.env.REPRO_TRACE_TIMING === '1';
  // When this process started: what Node and the entry cost before any command code ran.
  if (trace) performance.measure('start-up (node, repro entry)', { start: 0, end: performance.now() });
  const { command } = await timed(`load the ${first} command`, () => entry.load());
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await timed(`repro ${first}`, () => command.run(rest, io));
  } catch (err) {
    // One error shape for every command: with --json, {"error":{code,message,details?}} is the
    // document on stdout; the sentence goes to stderr either way.
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      if (json) printJsonError(io, { code: 'invalid_argument', message: (err as Error).message });
      io.stderr(`repro ${command.name}: ${(err as Error).message}\n\n${command.usage.trimEnd()}\n`);
      return 2;
    }
    const e = err as Error & { code?: string; details?: unknown };
    const code = isErrorCode(e.code) ? e.code : 'internal';
    if (json) printJsonError(io, { code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) });
    io.stderr(`repro ${command.name}: ${e.message}${code !== 'internal' ? ` [${code}]` : ''}\n`);
    return code === 'cancelled' ? EXIT_CANCELLED : 1;
  } finally {
    if (trace) io.stderr(`\nREPRO_TRACE_TIMING: where the time went\n${timingTable()}`);
  }
}
