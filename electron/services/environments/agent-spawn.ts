import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkbenchError } from '../../../shared/api/errors';
import { findAppRoot } from '../app-root';
import { processStartTime, type ProcessIdentity } from './process-identity';

export interface AgentReady {
  pid: number;
  startTime?: string;
  endpoints: Record<string, string>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The agent's entry script: from source, agent-main.entry.ts next to this file (run through
 * tsx); from a build, the bundle scripts/build.mjs makes of every *.entry.ts, under dist/ of the
 * app root. REPRO_AGENT_ENTRY overrides both.
 */
export function agentEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPRO_AGENT_ENTRY) return env.REPRO_AGENT_ENTRY;
  const candidates = [
    join(here, 'agent-main.entry.ts'),
    join(findAppRoot(here), 'dist', 'electron', 'services', 'environments', 'agent-main.entry.mjs'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new WorkbenchError('internal', `Session agent entry not found (looked for ${candidates.join(', ')}); set REPRO_AGENT_ENTRY`);
  return found;
}

/** How to start a Node that can run the entry: tsx's loader for .ts, the current flags otherwise. */
function nodeArgsFor(entry: string): string[] {
  if (!entry.endsWith('.ts')) return process.execArgv.filter((a) => !a.startsWith('--inspect'));
  const require = createRequire(import.meta.url);
  const tsxLoader = join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs');
  return ['--import', pathToFileURL(tsxLoader).href];
}

/**
 * Start the session's agent detached (own process group, no tie to our stdio) so it survives
 * the CLI exiting, and wait for its one ready line with the env its plugins contribute.
 */
export function spawnAgent(opts: { stateDir: string; session: string; logFile: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): {
  identity: ProcessIdentity;
  ready: Promise<AgentReady>;
  /** Settles when the named plugin serves (its own line, or the agent's ready line), or the agent fails. */
  pluginReady(name: string): Promise<void>;
} {
  const entry = agentEntry(opts.env);
  const logFd = openSync(opts.logFile, 'a', 0o600);
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  // Under Electron, execPath is the Electron binary: make it behave as plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  let child;
  try {
    child = spawn(process.execPath, [...nodeArgsFor(entry), entry, '--state-dir', opts.stateDir, '--session', opts.session], {
      detached: true,
      stdio: ['ignore', 'pipe', logFd],
      env,
      cwd: dirname(opts.logFile),
    });
  } finally {
    closeSync(logFd);
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const startTime = child.pid ? processStartTime(child.pid) : undefined;
  const identity: ProcessIdentity = { pid: child.pid ?? -1, ...(startTime ? { startTime } : {}) };
  const pluginsReady = new Set<string>();
  const pluginWaiters = new Map<string, Array<() => void>>();
  const ready = new Promise<AgentReady>((resolve, reject) => {
    let buffered = '';
    const fail = (message: string) => {
      clearTimeout(timer);
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
      reject(new WorkbenchError('internal', `${message} (see ${opts.logFile})`));
    };
    const timer = setTimeout(() => fail(`Session agent did not report ready within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`Session agent could not start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`Session agent exited during start (code ${code}, signal ${signal})`));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\n');
      // `{"plugin":NAME}` lines come first, one per plugin as it starts serving
      while (nl >= 0 && buffered.startsWith('{"plugin":')) {
        try {
          const name = (JSON.parse(buffered.slice(0, nl)) as { plugin: string }).plugin;
          pluginsReady.add(name);
          for (const w of pluginWaiters.get(name) ?? []) w();
          pluginWaiters.delete(name);
        } catch {
          // not a plugin line after all: the ready line's parse below says so
          break;
        }
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
      }
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.removeAllListeners('data');
      child.stdout!.destroy();
      child.unref();
      try {
        resolve(JSON.parse(buffered.slice(0, nl)) as AgentReady);
      } catch {
        reject(new WorkbenchError('internal', `Session agent sent an unreadable ready line: ${buffered.slice(0, 200)}`));
      }
    });
  });
  const pluginReady = (name: string) =>
    pluginsReady.has(name)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => pluginWaiters.set(name, [...(pluginWaiters.get(name) ?? []), resolve])),
          ready.then(() => undefined),
        ]);
  return { identity, ready, pluginReady };
}

/** Ask an agent to stop (it stops its plugins and exits); only if it is still the same process. */
export function signalAgent(agent: ProcessIdentity | undefined, isAlive: (id: ProcessIdentity) => boolean, signal: NodeJS.Signals = 'SIGTERM'): boolean {
  if (!agent || !isAlive(agent)) return false;
  try {
    process.kill(agent.pid, signal);
    return true;
  } catch {
    return false;
  }
}
