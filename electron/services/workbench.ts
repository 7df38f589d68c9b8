import type Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAppRoot } from './app-root';
import { createDockerClient } from './docker-engine';
import { EventBus } from './event-bus';
import { OperationRegistry } from './operations';
import { configDir, stateDir } from './paths';

/**
 * Everything the services need from the outside world, made once per process and passed in.
 * Electron's main, the web host and the CLI each create one; services never reach for globals.
 */
export interface Workbench {
  readonly host: 'desktop' | 'web' | 'cli';
  readonly version: string;
  readonly docker: Docker;
  /** Connections and their events (broadcast, or scoped to one connection). */
  readonly events: EventBus;
  /** Every long call running in this process (see operations.ts). */
  readonly ops: OperationRegistry;
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  readonly configDir: string;
  /** Repository (or packaged app) root: where examples/ and the built renderer live. */
  readonly appRoot: string;
  /** Per-area registries (open bundles, running replays ...) hang off here, keyed by area. */
  readonly areas: Map<string, unknown>;
}

export interface WorkbenchOptions {
  host: Workbench['host'];
  env?: NodeJS.ProcessEnv;
  docker?: Docker;
  appRoot?: string;
}

export function createWorkbench(opts: WorkbenchOptions): Workbench {
  const env = opts.env ?? process.env;
  const appRoot = opts.appRoot ?? findAppRoot();
  const events = new EventBus();
  return {
    host: opts.host,
    version: readVersion(appRoot),
    docker: opts.docker ?? createDockerClient(env),
    events,
    ops: new OperationRegistry(events),
    env,
    stateDir: stateDir(env),
    configDir: configDir(env),
    appRoot,
    areas: new Map(),
  };
}

/** Lazily create a per-area singleton (e.g. the open-bundle registry) on a workbench. */
export function areaState<T>(wb: Workbench, key: string, make: () => T): T {
  let value = wb.areas.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    wb.areas.set(key, value);
  }
  return value;
}

interface ShutdownHooks {
  hooks: Set<() => Promise<void> | void>;
  done?: Promise<void>;
}
const shutdownHooks = (wb: Workbench) => areaState<ShutdownHooks>(wb, 'shutdown', () => ({ hooks: new Set() }));

/** Run `fn` when the workbench shuts down (after running operations ended); returns a remover. */
export function atShutdown(wb: Workbench, fn: () => Promise<void> | void): () => void {
  const { hooks } = shutdownHooks(wb);
  hooks.add(fn);
  return () => hooks.delete(fn);
}

/**
 * Clean exit (app quit, `repro serve` on SIGINT/SIGTERM): close every connection (their
 * subscriptions end), cancel running operations and wait for them (an up removes what it made),
 * then run the shutdown hooks (open bundles and their unpacked folders are disposed). Idempotent.
 */
export function shutdownWorkbench(wb: Workbench): Promise<void> {
  const state = shutdownHooks(wb);
  state.done ??= (async () => {
    wb.events.closeAll();
    await wb.ops.shutdown();
    await Promise.all([...state.hooks].map(async (fn) => fn()).map((p) => p.catch(() => undefined)));
  })();
  return state.done;
}

function readVersion(appRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function samplePath(wb: Workbench): string | undefined {
  const p = join(wb.appRoot, 'examples', 'incident-checkout');
  return existsSync(join(p, 'bundle.json')) ? p : undefined;
}

export { findAppRoot };
