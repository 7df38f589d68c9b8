/**
 * Resolve a scenario against one session before anything happens: every target to a container
 * of THIS session (the blast radius is the session), a proxy route, a fixture host or netem;
 * every probe to an address the host can reach; the load to a HAR the bundle lists. Anything
 * that does not resolve is a problem, and a plan with problems is refused.
 */
import type Docker from 'dockerode';
import { assertSessionEngine } from '../environments/runtime/engine-guard';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import type { GamedayPlan, PlanStep } from '../../../shared/gameday/journal';
import { FAULT_CATALOG, probeTimeoutMs, SCENARIO_DEFAULTS, type Scenario } from '../../../shared/gameday/scenario';
import { maxDurationMs, methodDurationMs, stepWindows } from '../../../shared/gameday/validate';
import { FixtureBook } from '../../../shared/replay/fixtures';
import type { HarEntry } from '../../../shared/replay/har';
import { engineStatus } from '../docker-engine';
import { isProcessAlive } from '../environments/process-identity';
import { readSessionManifest, sessionsRoot } from '../environments/session-info';
import { SessionStore, type SessionRecord } from '../environments/state-store';
import { loadHarFolder } from '../replay/traffic';
import { detectNetem } from './netem';
import { ServiceAddresses } from './traffic';

export interface ResolvedRun {
  plan: GamedayPlan;
  record: SessionRecord;
  store: SessionStore;
  manifest: BundleManifest;
  addresses: ServiceAddresses;
  loadEntries: HarEntry[];
}

const REVERT: Record<string, string> = {
  kill: 'start it again',
  stop: 'start it again',
  restart: 'make sure it runs',
  pause: 'unpause',
  cpu: 'the previous CPU limit',
  memory: 'the previous memory limit',
  partition: 'reconnect with the same aliases',
  latency: 'clear the proxy fault',
  bandwidth: 'clear the proxy fault',
  reset: 'clear the proxy fault',
  timeout: 'clear the proxy fault (held data flows on)',
  loss: 'remove the netem qdisc',
  duplicate: 'remove the netem qdisc',
  corrupt: 'remove the netem qdisc',
  'http-error': 'clear the fixtures fault',
  delay: 'clear the fixtures fault',
};

export async function resolveRun(opts: { docker: Docker; stateDir: string; session: string; scenario: Scenario }): Promise<ResolvedRun> {
  const { docker, scenario } = opts;
  const store = new SessionStore(sessionsRoot(opts.stateDir));
  const record = store.read(opts.session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${opts.session}" (see repro status)`);
  await assertSessionEngine(docker, record);
  if (record.phase !== 'running') throw new WorkbenchError('conflict', `session "${record.name}" is ${record.phase}, not running; bring it up first (repro up)`);
  const engine = await engineStatus(docker);
  if (!engine.reachable) throw new WorkbenchError('unavailable', `${engine.error}${engine.hint ? `. ${engine.hint}` : ''}`);
  const manifest = readSessionManifest(record);
  if (!manifest) throw new WorkbenchError('not_found', `the bundle of session "${record.name}" is no longer at ${record.bundleRoot}`);

  const problems: GamedayPlan['problems'] = [];
  const addresses = new ServiceAddresses(docker, record, manifest);
  const local = record.agentPlan ? record.agentPlan.bindHost !== '127.0.0.1' : true;
  const agentAlive = isProcessAlive(record.agent);
  const proxy = record.faultProxy;
  const routed = new Set((proxy?.enabled ? proxy.routes : []).map((r) => r.service));
  // Detected even when no step needs it: the plan says whether packet-level faults are possible here.
  const netem = await detectNetem(docker, { local });
  let fixtureHosts: Array<{ host: string; port: number; https: boolean }> | undefined;
  const hostsOfFixtures = async () => {
    if (!fixtureHosts) {
      const loaded = await loadHarFolder(record.bundleRoot, manifest, 'fixtures');
      fixtureHosts = new FixtureBook(loaded.perFile.flat()).hosts();
    }
    return fixtureHosts;
  };

  const steps: PlanStep[] = [];
  for (const w of stepWindows(scenario)) {
    const { step, index } = w;
    const at = `steps[${index}]`;
    const group = FAULT_CATALOG[step.fault].group;
    const base = { id: step.id, fault: step.fault, target: step.target, atMs: w.startMs, durationMs: w.endMs - w.startMs, revert: REVERT[step.fault]! };
    if (group === 'external') {
      const hosts = await hostsOfFixtures();
      const h = hosts.find((x) => x.host === step.target.toLowerCase());
      if (!h) problems.push({ path: `${at}.target`, message: `"${step.target}" is not a fixture host of this session's bundle${hosts.length ? ` (fixture hosts: ${hosts.map((x) => x.host).join(', ')})` : ' (it has no fixtures/*.har)'}` });
      else if (h.https) problems.push({ path: `${at}.target`, message: `${step.target} is recorded over https, which the fixtures stub cannot serve` });
      if (!agentAlive) problems.push({ path: `${at}`, message: `session "${record.name}" has no live agent (its fixtures stub is gone)` });
      steps.push({ ...base, via: 'fixtures', resolved: `fixture host ${step.target} (the session's fixtures stub)` });
      continue;
    }
    const svc = record.services.find((s) => s.name === step.target);
    if (!svc?.containerId) {
      problems.push({ path: `${at}.target`, message: `"${step.target}" is not a service of session "${record.name}" (services: ${record.services.map((s) => s.name).join(', ')}); a game day acts only on its own session` });
      steps.push({ ...base, via: group === 'packet' ? 'netem' : group === 'network' && step.fault !== 'partition' ? 'proxy' : 'engine', resolved: 'nothing' });
      continue;
    }
    const container = `container ${svc.containerName ?? svc.name} (${svc.containerId.slice(0, 12)})`;
    // swarm (docs/runtimes.md): container faults act on the service's one running task
    if (record.runtime?.kind === 'swarm' && (step.fault === 'partition' || group === 'container' || group === 'packet')) {
      const tasks = record.runtime.replicas?.[step.target] ?? 1;
      if (step.fault === 'partition') problems.push({ path: `${at}.fault`, message: `partition is not available on the swarm runtime (a swarm task is not disconnected from its overlay network and connected again); use reset or timeout (the fault proxy)` });
      else if (tasks > 1) problems.push({ path: `${at}.target`, message: `${step.target} runs ${tasks} tasks on swarm (--replicas): a ${step.fault} fault acts on one container and will not pick a task` });
    }
    if (group === 'network' && step.fault !== 'partition') {
      if (!proxy?.enabled) problems.push({ path: `${at}.fault`, message: proxy ? `the fault proxy is off in session "${record.name}" (${proxy.reason ?? 'disabled'}); bring it up again for network faults` : `session "${record.name}" came up without the fault proxy (before game days existed); bring it up again for network faults` });
      else if (!routed.has(step.target)) problems.push({ path: `${at}.target`, message: `no fault proxy route to ${step.target}: ${proxy.skipped.find((x) => x.service === step.target)?.reason ?? 'not planned at up'}` });
      if (!agentAlive) problems.push({ path: at, message: `session "${record.name}" has no live agent (its fault proxy is gone)` });
      const ports = (proxy?.routes ?? []).filter((r) => r.service === step.target).map((r) => r.port);
      steps.push({ ...base, via: 'proxy', resolved: `connections from the other services to ${step.target}${ports.length ? `:${ports.join(',')}` : ''} through the fault proxy (${container})` });
      continue;
    }
    if (group === 'packet') {
      if (!netem.available) problems.push({ path: `${at}.fault`, message: `${step.fault} is a packet-level fault: ${netem.reason}` });
      steps.push({ ...base, via: 'netem', resolved: `eth0 of ${container}` });
      continue;
    }
    if (step.fault === 'cpu' || step.fault === 'memory') {
      const info = await docker
        .getContainer(svc.containerId)
        .inspect()
        .catch(() => undefined);
      const limited = step.fault === 'cpu' ? (info?.HostConfig.NanoCpus ?? 0) > 0 : (info?.HostConfig.Memory ?? 0) > 0;
      if (!info) problems.push({ path: `${at}.target`, message: `the container of ${step.target} is gone` });
      else if (!limited) {
        problems.push({
          path: `${at}.target`,
          message: `${step.target} runs without a ${step.fault === 'cpu' ? 'CPU' : 'memory'} limit, and the engine cannot remove a limit once set, so this fault could not be reverted; give the service resources.${step.fault === 'cpu' ? 'cpus' : 'memoryMb'} in the bundle`,
        });
      }
    }
    steps.push({ ...base, via: 'engine', resolved: container });
  }

  const probes: GamedayPlan['probes'] = [];
  scenario.hypothesis.probes.forEach((p, i) => {
    const problem = addresses.problem(p.http.service, p.http.port);
    if (problem) problems.push({ path: `hypothesis.probes[${i}].http`, message: problem });
    probes.push({ name: p.name, url: `${p.http.method ?? 'GET'} ${addresses.describe(p.http.service, p.http.port)}${p.http.path}`, everyMs: p.everyMs ?? SCENARIO_DEFAULTS.probeEveryMs, timeoutMs: probeTimeoutMs(p) });
  });

  let loadEntries: HarEntry[] = [];
  let load: GamedayPlan['load'] = null;
  if (scenario.load) {
    const file = scenario.load.traffic;
    const folder = file.startsWith('traffic/') ? 'traffic' : file.startsWith('fixtures/') ? 'fixtures' : undefined;
    const listed = manifest.files.some((f) => f.path === file);
    if (!folder || file.slice(folder.length + 1).includes('/')) problems.push({ path: 'load.traffic', message: `${file}: the load is a recorded HAR of the bundle, traffic/<name>.har` });
    else if (!listed) problems.push({ path: 'load.traffic', message: `${file} is not a file of this session's bundle (not in bundle.json files)` });
    else {
      try {
        // read (digest-checked) with the rest of its folder, as replay reads it
        loadEntries = (await loadHarFolder(record.bundleRoot, manifest, folder)).perFile.flat().filter((e) => e.source.startsWith(`${file}#`));
        if (loadEntries.length === 0) problems.push({ path: 'load.traffic', message: `${scenario.load.traffic} has no requests` });
        const unmapped = loadEntries.filter((e) => !record.services.some((s) => hostOf(e.request.url) === s.name));
        if (unmapped.length === loadEntries.length && loadEntries.length > 0) problems.push({ path: 'load.traffic', message: `no request of ${scenario.load.traffic} goes to a service of the session (URL hosts must name services)` });
      } catch (err) {
        problems.push({ path: 'load.traffic', message: (err as Error).message });
      }
    }
    load = { traffic: scenario.load.traffic, requests: loadEntries.length, ratePerS: scenario.load.ratePerS, concurrency: scenario.load.concurrency ?? SCENARIO_DEFAULTS.loadConcurrency };
  }

  const plan: GamedayPlan = {
    session: record.name,
    bundleId: record.bundleId,
    title: scenario.title,
    hypothesis: scenario.hypothesis,
    steps,
    probes,
    load,
    stopConditions: scenario.stopConditions,
    methodDurationMs: methodDurationMs(scenario),
    maxDurationS: maxDurationMs(scenario) / 1000,
    recoveryS: scenario.hypothesis.recoveryS ?? SCENARIO_DEFAULTS.recoveryS,
    proxy: { enabled: Boolean(proxy?.enabled), ...(proxy?.reason ? { reason: proxy.reason } : !proxy ? { reason: 'the session came up before game days existed' } : {}), routes: proxy?.routes ?? [], skipped: proxy?.skipped ?? [] },
    netem,
    problems,
  };
  return { plan, record, store, manifest, addresses, loadEntries };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
