import { serializeError } from '../../shared/api/errors';
import { UsageError, type CliIo } from './command';
import { printJson } from './output';

/**
 * For commands whose `--json` promises one document on stdout whatever happens: run the command,
 * and when it fails print `{"error": {"code", "message"}}` there (the message also goes to
 * stderr for people). Exit codes stay the convention's: 2 usage error, 1 the work failed.
 * Without --json the error is rethrown for the usual handling in main.
 */
export async function withJsonErrors(name: string, argv: string[], io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!argv.includes('--json')) throw err;
    const usage = err instanceof UsageError || !!(err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS');
    const code = usage ? 'invalid_argument' : serializeError(err).code;
    const message = (err as Error).message ?? String(err);
    printJson(io, { error: { code, message } });
    io.stderr(`repro ${name}: ${message}${code !== 'internal' ? ` [${code}]` : ''}\n`);
    return usage ? 2 : 1;
  }
}
