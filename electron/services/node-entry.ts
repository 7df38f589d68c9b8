import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How to start one of our own Node entry points as a separate process (e.g. a session agent)
 * in every way the workbench runs:
 *  - from source in a checkout (CLI through tsx): `node --import tsx <entry>.ts`
 *  - built (dist/, what `npm start` and the packaged app use): `node <entry>.mjs`
 *  - inside Electron: the Electron binary with ELECTRON_RUN_AS_NODE=1 runs it as plain Node.
 * `entry` is the repo-relative path without extension, e.g. 'electron/services/environments/agent.entry'.
 */
export function nodeEntryCommand(appRoot: string, entry: string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const built = join(appRoot, 'dist', `${entry}.mjs`);
  const source = join(appRoot, `${entry}.ts`);
  const runningFromSource = import.meta.url.endsWith('.ts');
  const env: NodeJS.ProcessEnv = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  if (runningFromSource || !existsSync(built)) {
    if (!existsSync(source)) throw new Error(`Entry point ${entry} is neither built (${built}) nor present as source (${source})`);
    return { command: process.execPath, args: ['--import', 'tsx', source], env };
  }
  return { command: process.execPath, args: [built], env };
}
