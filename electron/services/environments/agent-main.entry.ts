/**
 * The per-session agent: a small detached process that owns a session after `repro up` has
 * returned. It runs the session plugins (OTLP receiver, fixtures stub) and watches the session:
 * if the `up` that started it dies before finishing, it removes what that up had created.
 * Started by spawnAgent(): `<node> agent-main.entry --state-dir DIR --session NAME`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { createDockerClient } from '../docker-engine';
import { sessionLabels, homeTag } from './labels';
import { currentProcessIdentity, isProcessAlive } from './process-identity';
import { removeLabelled, sessionLabelFilter } from './resources';
import { sessionPlugins } from './plugins';
import type { SessionPluginHandle } from './session-plugin';
import { SessionStore } from './state-store';
import { readBundleFileSync, MAX_MANIFEST_BYTES } from '../bundles/bundle-path';
import { FaultBoard } from '../gameday/fault-board';

const { values } = parseArgs({ options: { 'state-dir': { type: 'string' }, session: { type: 'string' } }, strict: true });
const stateDir = values['state-dir'];
const session = values.session;
if (!stateDir || !session) {
  process.stderr.write('usage: agent-main --state-dir DIR --session NAME\n');
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} [agent ${session}] ${message}\n`);
const store = new SessionStore(join(stateDir, 'sessions'));
const docker = createDockerClient(process.env);
const handles: Array<{ name: string; handle: SessionPluginHandle }> = [];
const me = currentProcessIdentity();
let stopping = false;

async function shutdown(reason: string, code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    log(`stopping: ${reason}`);
    await Promise.all(
      handles.map(({ name, handle }) =>
        Promise.race([handle.stop(), new Promise((r) => setTimeout(r, 5000))]).catch((err: Error) => log(`plugin ${name} stop failed: ${err.message}`)),
      ),
    );
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const record = store.read(session!);
  if (!record) throw new Error(`no session state for ${session} in ${stateDir}`);
  if (!record.network?.gatewayIp) throw new Error('session has no network gateway yet');
  const manifest = bundleManifestSchema.parse(JSON.parse(readBundleFileSync(record.bundleRoot, 'bundle.json', { maxBytes: MAX_MANIFEST_BYTES })));
  const plan = record.agentPlan;
  if (!plan) throw new Error('session has no agent plan (bind address, reserved ports)');
  const ctxBase = {
    session: session!,
    bundleId: record.bundleId,
    bundleRoot: record.bundleRoot,
    manifest,
    docker,
    networkName: record.network.name,
    gatewayIp: record.network.gatewayIp,
    bindHost: plan.bindHost,
    advertisedHost: plan.advertisedHost,
    labels: sessionLabels({ session: session!, bundleId: record.bundleId, stateDir: stateDir! }),
    sessionDir: store.dir(session!),
    faults: new FaultBoard(),
  };
  const endpoints: Record<string, string> = {};
  // Plugins start side by side: the up waits for the slowest, not for their sum.
  await Promise.all(
    sessionPlugins.map(async (plugin) => {
      const port = plan.ports[plugin.name];
      const handle = await plugin.start({ ...ctxBase, ...(port ? { reservedPort: port } : {}), log: (m) => log(`${plugin.name}: ${m}`) });
      handles.push({ name: plugin.name, handle });
      for (const [k, v] of Object.entries(handle.endpoints ?? {})) endpoints[`${plugin.name}.${k}`] = v;
      log(`plugin ${plugin.name} started`);
      // each plugin says when it serves, so the up waits for the one it needs, not the slowest
      process.stdout.write(JSON.stringify({ plugin: plugin.name }) + '\n');
    }),
  );
  process.stdout.write(JSON.stringify({ ...me, endpoints }) + '\n');
  setInterval(() => void watch(), 1000).unref();
  // keep the process alive while plugins serve (their servers hold the loop) and for the watchdog
  setInterval(() => {}, 1 << 30);
}

async function watch(): Promise<void> {
  if (stopping) return;
  let record;
  try {
    record = store.read(session!);
  } catch {
    return;
  }
  if (!record) return void shutdown('session state removed');
  if (record.phase === 'down' || record.phase === 'failed') return void shutdown(`session is ${record.phase}`);
  if (record.agent && record.agent.pid !== me.pid) return void shutdown('another agent owns the session');
  if (record.phase === 'starting' && !isProcessAlive(record.upOwner)) {
    // The up that started us died mid-way (kill -9, crash): undo what it created.
    log('the up process is gone before finishing; removing the session resources');
    try {
      await removeLabelled(docker, sessionLabelFilter(session!, homeTag(stateDir!)));
      store.update(session!, (r) => ({ ...r, phase: 'failed', error: { message: 'up was interrupted (its process ended before finishing); resources removed' } }));
    } catch (err) {
      log(`cleanup failed (repro gc will retry): ${(err as Error).message}`);
    }
    return void shutdown('orphaned up', 0);
  }
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGHUP', () => {}); // the terminal that ran `repro up` closing is not a reason to stop
process.stdout.on('error', () => {}); // parent closed our stdout after the ready line

main().catch((err: Error) => {
  log(`failed to start: ${err.stack ?? err.message}`);
  void shutdown('start failed', 1);
});
