/**
 * What the game days' fault proxy costs while no fault is active: max-rate replay of the sample
 * incident against a session whose service-to-service calls go through the proxy (checkout ->
 * pricing, every request) vs a session brought up without it (REPRO_FAULT_PROXY=off), same run,
 * rounds alternating, medians of requests per second compared. Goal: at most 5% lower (ratio
 * >= 0.95). Every answer must match the recording on both sides.
 * The proxy's own per-connection work (two sockets, one branch per chunk) is measured against
 * real service-to-service traffic here, not against a synthetic instant target: on our shared
 * 2-core machines a loopback micro-benchmark of it gave numbers dominated by scheduling noise.
 *
 *   npx tsx bench/gameday-proxy.bench.ts [--rounds 5] [--repeat 6] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDockerClient } from '../electron/services/docker-engine';
import { downSession, getSession, upFromPath } from '../electron/services/environments';
import { sessionsRoot } from '../electron/services/environments/session-info';
import { SessionStore } from '../electron/services/environments/state-store';
import { AgentControlClient } from '../electron/services/gameday/agent-control';
import { executeReplay } from '../electron/services/replay/engine';
import { loadTraffic } from '../electron/services/replay/traffic';
import { bundleManifestSchema } from '../shared/bundle/manifest';
import type { HarEntry } from '../shared/replay/har';
import { emit, row } from './lib/harness';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, repeat: { type: 'string', default: '6' }, json: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const repeat = Number(values.repeat);
const log = (s: string) => process.stderr.write(s + '\n');
const docker = createDockerClient();
const bundle = join(import.meta.dirname, '..', 'examples', 'incident-checkout');
const manifest = bundleManifestSchema.parse(JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')));
const home = mkdtempSync(join(tmpdir(), 'repro-bench-proxy-'));
const stateDir = join(home, 'state');
const env = { ...process.env, REPRO_HOME: home, REPRO_SECRET_PAYMENT_KEY: 'bench' };
const withProxy = `bench-px-${process.pid}`;
const without = `bench-nopx-${process.pid}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const CONCURRENCY = 8;

async function replayRate(session: string, entries: HarEntry[]): Promise<number> {
  const s = await getSession(docker, stateDir, session);
  const t0 = performance.now();
  const { report } = await executeReplay({ session: s, bundle: { root: bundle, manifest }, entries, mode: 'max', concurrency: CONCURRENCY });
  const secs = (performance.now() - t0) / 1000;
  if (report.matched !== entries.length) throw new Error(`${session}: ${report.matched}/${entries.length} matched (${report.results.find((r) => r.outcome !== 'matched')?.error ?? 'mismatch'})`);
  return entries.length / secs;
}

async function proxiedConnections(): Promise<number> {
  const agent = await AgentControlClient.connect(new SessionStore(sessionsRoot(stateDir)).dir(withProxy));
  try {
    return (await agent.status()).routes.find((r) => r.service === 'pricing')?.accepted ?? 0;
  } finally {
    agent.close();
  }
}

try {
  log('bringing up the sample twice: with the fault proxy, and without …');
  await Promise.all([
    upFromPath({ bundlePath: bundle, session: withProxy, secrets: { env }, docker, stateDir, env }),
    upFromPath({ bundlePath: bundle, session: without, secrets: { env }, docker, stateDir, env: { ...env, REPRO_FAULT_PROXY: 'off' } }),
  ]);
  const store = new SessionStore(sessionsRoot(stateDir));
  if (!store.read(withProxy)?.faultProxy?.enabled || store.read(without)?.faultProxy?.enabled) throw new Error('the two sessions do not differ in the proxy');
  const traffic = (await loadTraffic(bundle, manifest)).entries;
  const entries = Array.from({ length: repeat }, () => traffic).flat();
  // warm both (first CGI runs, connections)
  await replayRate(withProxy, traffic);
  await replayRate(without, traffic);
  const before = await proxiedConnections();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await replayRate(withProxy, entries));
      b.push(await replayRate(without, entries));
    } else {
      b.push(await replayRate(without, entries));
      a.push(await replayRate(withProxy, entries));
    }
    log(`round ${r + 1}: through the proxy ${a.at(-1)!.toFixed(1)} req/s, without ${b.at(-1)!.toFixed(1)} req/s`);
  }
  const crossed = (await proxiedConnections()) - before;
  if (crossed < rounds * entries.length) throw new Error(`only ${crossed} checkout -> pricing connections went through the proxy`);
  const ratio = median(a) / median(b);
  log(`sample replay at max rate: ${median(a).toFixed(1)} vs ${median(b).toFixed(1)} req/s -> ${ratio.toFixed(3)}x (goal >= 0.95); ${crossed} connections crossed the proxy`);
  emit(
    [
      row({
        id: 'gameday-proxy',
        what: 'game days: max-rate replay of the sample through the fault proxy (no fault active; sealed sandbox, via the gate) vs a session without it',
        unit: 'req/s',
        better: 'higher',
        ours: { command: 'replay, checkout -> pricing through the proxy', value: median(a) },
        baseline: { command: 'replay, REPRO_FAULT_PROXY=off', value: median(b) },
        goal: 0.95,
        rounds,
        extra: { proxiedConnections: crossed, requests: entries.length },
      }),
    ],
    values.json,
  );
} finally {
  await Promise.all([downSession(docker, stateDir, withProxy).catch(() => undefined), downSession(docker, stateDir, without).catch(() => undefined)]);
  rmSync(home, { recursive: true, force: true });
}
