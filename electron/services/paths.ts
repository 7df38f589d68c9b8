import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the workbench keeps its own files. $REPRO_HOME puts everything under one folder
 * (tests use a temp dir); otherwise the XDG base directories.
 *   state:  sessions, record database, runbook workspaces
 *   config: trusted keys, settings
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPRO_HOME) return join(env.REPRO_HOME, 'state');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'repro-workbench');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPRO_HOME) return join(env.REPRO_HOME, 'config');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'repro-workbench');
}

export function trustedKeysDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'trusted-keys');
}

export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'sessions');
}

/** Where the UI suggests writing captured bundles: $REPRO_HOME/captures, else ~/repro-bundles. */
export function capturesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPRO_HOME) return join(env.REPRO_HOME, 'captures');
  return join(homedir(), 'repro-bundles');
}
