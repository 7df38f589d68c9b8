import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { cancelledError, throwIfCancelled, unlessCancelled } from '../abort';
import type { ProgressEvent } from '../../../shared/api/events';
import type { SignatureStatus } from '../../../shared/bundle/dsse';
import type { EnvRuntimeInfo } from '../../../shared/api/methods/environment';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import type { OpenedBundle } from '../bundles/open';
import { spawnAgent, signalAgent, type AgentReady } from './agent-spawn';
import { serviceEnv } from './container-spec';
import { agentRoute, canBind, checkAgentRoute, freePort, ingressHostFor, type AgentPlan } from './host-address';
import { ensureEdgeNetwork, removeUnusedEdgeNetworks } from './edge-network';
import { agentPorts, checkAdvertiseHost, checkSeal, firewallIsolates, GATE_ALIAS, gateForwards, gateReachesAgent, startGate } from './sandbox';
import { ensureForwarderImage } from '../replay/fixtures-stub';
import { sessionPlugins } from './plugins';
import type { DriftItem } from './drift';
import { homeTag, sessionLabels } from './labels';
import { currentProcessIdentity, isProcessAlive } from './process-identity';
import { sessionLabelFilter } from './resources';
import { recordRuntime, runtimeFor, sessionRuntime, type RuntimeRef, type ServiceContext } from './runtime';
import { engineId } from './runtime/engine-guard';
import { resolveSecrets, type SecretSources } from './secrets';
import { concurrencyLimit, startByDependencies, startOrder } from './start-order';
import { noteLoadedImage } from '../prune/image-ledger';
import { timed, timedSince } from '../timing';
import { FAULT_PROXY_PLUGIN, planFaultProxy, proxyGateRoutes, proxyUpstreams } from '../gameday/proxy-plan';
import { SessionStore, assertSessionName, type SessionRecord } from './state-store';
import { describeSession, requireEngine, sessionsRoot, type SessionInfo, type SessionSandboxInfo, type ServiceHealth } from './session-info';
import { appendAll } from '../../../shared/array';

export interface UpReport {
  session: string;
  /** Which runtime runs it, on which engine. */
  runtime: EnvRuntimeInfo;
  services: Array<{ name: string; state: string; health: ServiceHealth; containerId: string; endpoints: Array<{ container: number; url: string }> }>;
  drift: DriftItem[];
  /** Whether the session is sealed, whether that was checked, and what could not be enforced. */
  sandbox: SessionSandboxInfo;
  /** The bundle's signature as verify found it (with `up`, "unsigned" means nobody vouches for what runs). */
  signature: { status: SignatureStatus; keyid?: string };
}

export interface UpOptions {
  /**
   * The engine check, already under way (a caller starts it before opening and verifying the
   * bundle, so its round trip overlaps that work); default: asked here.
   */
  engineReady?: Promise<void>;
  /** An opened bundle (kept open for the session's life: replay and the agent read its folder). */
  opened: OpenedBundle;
  /**
   * Gate: the bundle must verify before anything is created. Returns problems (empty = verified)
   * and a summary of the verification that the session record keeps for the report.
   */
  verify: (opened: OpenedBundle) => Promise<{ problems: string[]; summary?: Record<string, unknown>; note?: string }>;
  session?: string;
  secrets: SecretSources;
  docker: Docker;
  stateDir: string;
  onProgress?: (p: ProgressEvent) => void;
  /** Env for the agent process (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Cancels the up: what it created is removed and a `cancelled` error thrown. */
  signal?: AbortSignal;
  /** Let the containers reach the internet, the LAN and this machine (the session is sealed otherwise). */
  allowEgress?: boolean;
  /** Which runtime runs the session (default: local containers on `docker`'s engine). */
  runtime?: RuntimeRef;
  /**
   * The address of this machine where the session's gate reaches the agent (an engine on another
   * machine: an address that machine can route to). The agent listens there; the up checks from
   * the gate that it is reachable and fails with a clear error when not.
   */
  advertiseHost?: string;
}

/** Engine calls of one kind (creations, starts) in flight at once: enough to keep the engine busy, few enough not to swamp it. */
export const ENGINE_CONCURRENCY = 8;

export function defaultSessionName(manifest: BundleManifest): string {
  const base = manifest.incident.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'session';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

export { containerNameFor, endpointsOf } from './runtime/local';

/**
 * Bring a verified bundle's environment up as captured. Order of checks matters: verification
 * and secrets come before anything exists in the engine; the session state (with this process
 * as owner) is written before the first engine resource, so an interrupted up is always
 * discoverable by gc; on any failure everything this up created is removed again.
 */
export async function upSession(opts: UpOptions): Promise<UpReport> {
  const { opened, docker, stateDir } = opts;
  const manifest = opened.manifest;
  const progress = opts.onProgress ?? (() => {});
  const name = opts.session ?? defaultSessionName(manifest);
  assertSessionName(name);

  // Secrets first: cheap, and the most common reason an up cannot work.
  const secrets = resolveSecrets(manifest, opts.secrets);
  throwIfCancelled(opts.signal);
  progress({ task: `up:${name}:verify`, label: 'Verifying bundle', done: 0 });
  const { problems, summary: verification, note: verifyNote } = await timed('up: verify the bundle', () => opts.verify(opened));
  throwIfCancelled(opts.signal);
  if (problems.length > 0) {
    throw new WorkbenchError('bundle_invalid', `Bundle ${opened.source} does not verify; not starting: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, { problems });
  }
  progress({ task: `up:${name}:verify`, label: verifyNote ? `Bundle verified (${verifyNote})` : 'Bundle verified', done: 1, total: 1, finished: true });
  const order = startOrder(manifest.services);
  // the engine's own ID (alongside): a later command through another address of it is still at home
  const [, id] = await timed('up: engine check', () => Promise.all([opts.engineReady ?? requireEngine(docker), engineId(docker)]));

  const store = new SessionStore(sessionsRoot(stateDir));
  const existing = store.read(name);
  if (existing && existing.phase !== 'down' && existing.phase !== 'failed') {
    throw new WorkbenchError('conflict', `A session named "${name}" already exists (${existing.phase}); pick another --session or run repro down ${name}`);
  }
  const bundleId = manifest.incident.id;
  const labelInput = { session: name, bundleId, stateDir };
  const runtimeRef = { ...(opts.runtime ?? recordRuntime({}, opts.env)), ...(id ? { engineId: id } : {}) };
  const runtime = runtimeFor(docker, runtimeRef);
  await runtime.ensureReady(manifest.services);
  if (opts.advertiseHost !== undefined) await checkAdvertiseHost(opts.advertiseHost);
  await checkAgentRoute(runtimeRef.endpoint, opts.advertiseHost);
  const now = new Date().toISOString();
  const record: SessionRecord = {
    version: 1,
    name,
    bundleId,
    bundleRoot: opened.root,
    bundleSource: opened.source,
    manifestSha256: createHash('sha256').update(opened.manifestText).digest('hex'),
    createdAt: now,
    updatedAt: now,
    phase: 'starting',
    runtime: runtimeRef,
    upOwner: currentProcessIdentity(),
    volumes: [],
    services: [],
    secretNames: [...secrets.keys()],
    injectedEnv: {},
  };
  mkdirSync(store.dir(name), { recursive: true });
  store.write(record);

  let agent: AgentReady | undefined;
  let agentStarting: Promise<AgentReady> | undefined;
  // Work running side by side (image loads, container creation) stops early when one part
  // fails or the caller cancels, and is always waited for before the cleanup below looks.
  const inner = new AbortController();
  const stopInner = () => inner.abort();
  if (opts.signal?.aborted) stopInner();
  else opts.signal?.addEventListener('abort', stopInner, { once: true });
  const signal = inner.signal;
  try {
    throwIfCancelled(signal);
    // 1. the networks first: the session's own (sealed: internal, no address of this machine on
    //    it, unless egress is allowed) and the home's edge network, where the agent listens for
    //    the session's gate (sandbox.ts). The agent can then start (slow: a fresh Node process)
    //    while the images load.
    const allowEgress = opts.allowEgress ?? false;
    const networkName = `repro-${name}`;
    // Both networks side by side, settled (not Promise.all) so the cleanup sees whatever was made.
    const sessionNetwork = runtime.createNetwork(networkName, sessionLabels(labelInput), allowEgress);
    const edgeNetwork = ensureEdgeNetwork(docker, stateDir);
    // The gate's image (its id is worked out from the bytes we build it from) is made ready
    // while the engine creates the networks.
    const gateImage = ensureForwarderImage(docker);
    gateImage.catch(() => {});
    await timed('up: session and edge networks', () => allSettledOrThrow(inner, [sessionNetwork, edgeNetwork]));
    const [netInfo, edge] = [await sessionNetwork, await edgeNetwork];
    const gatewayIp = netInfo.IPAM?.Config?.[0]?.Gateway;
    // (a swarm allocates an overlay network's subnet when a task first joins it: no gateway yet)
    if (!gatewayIp && netInfo.Driver !== 'overlay') throw new WorkbenchError('internal', `The engine gave network ${networkName} no gateway address`);
    record.network = { name: networkName, id: netInfo.Id, ...(gatewayIp ? { gatewayIp } : {}) };
    const edgeGateway = edge.IPAM?.Config?.[0]?.Gateway;
    if (!edgeGateway) throw new WorkbenchError('internal', `The engine gave network ${edge.Name} no gateway address`);
    // The agent listens on the edge network's gateway when the engine runs on this machine; else
    // on loopback, which Docker Desktop's host.docker.internal reaches; an engine on another
    // machine reaches it at --advertise-host (host-address.ts agentRoute).
    const local = await canBind(edgeGateway);
    const route = agentRoute({ endpoint: runtimeRef.endpoint, local, edgeGateway, advertiseHost: opts.advertiseHost });
    // the ingress: published by the gate where this machine reaches the engine's machine
    const ingressHost = await ingressHostFor(runtimeRef.endpoint);
    record.sandbox = { ...(await checkSeal(netInfo, { allowEgress, local, firewall: firewallIsolates })), edgeNetwork: { name: edge.Name, id: edge.Id, gatewayIp: edgeGateway } };
    record.sandbox.notes.push(...runtime.sandboxNotes());
    if (ingressHost !== '127.0.0.1') {
      record.sandbox.notes.push(`the ingress is published on ${ingressHost} (the engine's machine, as this machine reaches it at ${runtimeRef.endpoint}), not on a loopback address: whoever can reach ${ingressHost} can reach the session's ingress ports`);
    }
    store.write(record);

    // 2. the agent (OTLP receiver, fixtures stub) starts in its own process, slow to boot, so
    //    everything below overlaps with it: the up reserves the plugins' ports and computes
    //    their container env itself. Containers reach every agent port at the gate's name.
    const plan: AgentPlan = { bindHost: route.bindHost, advertisedHost: GATE_ALIAS, ports: {} };
    const pluginEnv: Record<string, string> = {};
    for (const plugin of sessionPlugins) {
      if (plugin.reservePort) plan.ports[plugin.name] = await freePort(plan.bindHost);
      const port = plan.ports[plugin.name];
      Object.assign(pluginEnv, plugin.envFor?.({ session: name, bundleId, advertisedHost: plan.advertisedHost, ...(port ? { reservedPort: port } : {}) }) ?? {});
    }
    // Game days' fault proxy: its routes (and their agent ports) are fixed now, because a
    // container's /etc/hosts is.
    record.faultProxy = await planFaultProxy(manifest.services, plan, opts.env);
    const featureFlags = manifest.provenance.featureFlags;
    record.agentPlan = plan;
    record.injectedEnv = { ...pluginEnv, ...(featureFlags ? { REPRO_FEATURE_FLAGS: JSON.stringify(featureFlags) } : {}) };
    store.write(record);
    progress({ task: `up:${name}:agent`, label: 'Starting session agent', done: 0 });
    const agentStart = performance.now();
    const spawned = spawnAgent({ stateDir, session: name, logFile: join(store.dir(name), 'agent.log'), ...(opts.env ? { env: opts.env } : {}) });
    agentStarting = spawned.ready.then((ready) => {
      timedSince('up: agent process start (alongside)', agentStart);
      return ready;
    });
    // an agent that fails while the rest goes on must not become an unhandled rejection
    agentStarting.catch(() => {});
    // The fault proxy (what a dependent service's calls go through) serves before the agent's
    // other plugins may (the fixtures stub starts a container): dependents wait only for it.
    const proxyServing = spawned.pluginReady(FAULT_PROXY_PLUGIN).then(() => timedSince("up: the agent's fault proxy serving", agentStart));
    proxyServing.catch(() => {});
    // recorded at once, so gc can stop it should this up die before the agent is ready
    record.agent = spawned.identity;
    store.write(record);

    // 3. images, all at once (the engine serialises what it must), and the gate beside them
    throwIfCancelled(signal);
    progress({ task: `up:${name}:gate`, label: record.sandbox.egress === 'sealed' ? 'Sealing the session network' : 'Opening the session network (egress allowed)', done: 0, total: 1 });
    const gateStart = performance.now();
    const gate = startGate(docker, {
      session: name,
      labels: sessionLabels(labelInput),
      sessionNetwork: networkName,
      stateDir,
      edgeNetworkId: edge.Id,
      agentHost: route.gateHost,
      publishHost: ingressHost,
      agentPorts: agentPorts(plan),
      forwards: gateForwards(manifest, [...agentPorts(plan), ...proxyGateRoutes(record.faultProxy).map((r) => r.listen)], proxyUpstreams(record.faultProxy)),
      routes: proxyGateRoutes(record.faultProxy),
      image: gateImage,
    }).then((g) => {
      timedSince('up: session gate (alongside the images)', gateStart);
      record.sandbox!.gate = g;
      // consumers' /etc/hosts send a proxied service's name to the gate
      if (record.faultProxy?.enabled) {
        if (!g.address) throw new WorkbenchError('internal', `the session gate has no address on ${networkName}`);
        record.faultProxy.hostsAddress = g.address;
      }
      store.write(record);
      progress({ task: `up:${name}:gate`, label: `Session gate up (agent ports ${agentPorts(plan).join(', ') || 'none'})`, done: 1, total: 1, finished: true });
    });
    // (with the fault proxy, a container's /etc/hosts needs the gate's address: creations wait for it)
    const ctx: ServiceContext = { session: name, record, labels: (service) => sessionLabels(labelInput, service), secrets, bundleRoot: opened.root, progress, signal, gate };
    await timed('up: images and the gate', () => allSettledOrThrow(inner, [
      gate,
      ...order.map((svc) =>
        runtime.prepareImage(svc, ctx, (p) => {
          if (p.phase === 'loaded' || p.phase === 'pulled') noteLoadedImage(stateDir, svc.image.id, svc.image.ref); // what repro prune --images may remove
          const task = `up:${name}:image:${svc.name}`;
          if (p.phase === 'present') progress({ task, label: `Image of ${svc.name} already present`, done: 1, total: 1, finished: true });
          else if (p.phase === 'loading') progress({ task, label: `Loading image of ${svc.name}`, done: p.bytesDone ?? 0, total: p.bytesTotal, unit: 'bytes' });
          else if (p.phase === 'loaded') progress({ task, label: `Loaded image of ${svc.name}${p.note ? `; ${p.note}` : ''}`, done: p.bytesTotal ?? 1, total: p.bytesTotal ?? 1, unit: 'bytes', finished: true });
          else progress({ task, label: `${p.phase === 'pulling' ? 'Pulling' : 'Pulled'} ${svc.image.ref}`, done: p.phase === 'pulled' ? 1 : 0, total: 1, finished: p.phase === 'pulled' });
        }),
      ),
    ]));

    // 4. create every service (volumes filled from snapshots), then start each once what it
    //    dependsOn is healthy; both side by side, ENGINE_CONCURRENCY at a time
    throwIfCancelled(signal);
    // Settled, not Promise.all: a failing creation must not start the cleanup while the others
    // are still creating containers it would not see.
    const creating = concurrencyLimit(ENGINE_CONCURRENCY);
    const created = await timed('up: create volumes and containers', () => allSettledOrThrow(
      inner,
      order.map((svc) => creating(() => runtime.createService(svc, ctx))),
    ));
    record.services = created.map((c) => c.state);
    store.write(record);
    // What only the end of an up needs (the record's SQLite, the canary judge and trace import
    // for the findings) loads while the services start, not before the first engine call.
    const recording = Promise.all([import('../record'), import('../record/findings')]);
    recording.catch(() => {});
    // The incident's own evidence (canary verdict, trace critical path) comes from the bundle
    // alone: it is worked out while the engine starts the services.
    const findingsReady = recording.then(([, { bundleFindings }]) => timed('up: findings (canary judge, traces)', () => bundleFindings(opened.root, manifest, opened.source)));
    findingsReady.catch(() => {});
    // Each service starts once what it dependsOn is healthy: independent services start side by
    // side (a bounded number at a time), so an up scales with the depth of the graph, not the
    // number of services.
    await timed('up: start services, wait for health', () =>
      allSettledOrThrow(
        inner,
        startByDependencies(order, ENGINE_CONCURRENCY, async (svc, i) => {
          throwIfCancelled(signal);
          // A service that depends on others reaches them through the fault proxy: it must listen first.
          if (svc.dependsOn?.length && record.faultProxy?.routes.length) await unlessCancelled(proxyServing, signal);
          created[i]!.state.endpoints = await created[i]!.start();
          store.write(record);
        }),
      ),
    );
    progress({ task: `up:${name}:agent`, label: 'Waiting for the session agent', done: 0 });
    agent = await timed('up: wait for the agent', () => unlessCancelled(agentStarting!, signal));
    record.agent = { pid: agent.pid, ...(agent.startTime ? { startTime: agent.startTime } : {}), endpoints: agent.endpoints };
    store.write(record);
    if (opts.advertiseHost !== undefined) {
      // the ports the agent serves (a plugin with nothing to serve, e.g. no fixtures, listens on none)
      const served = agentPorts(plan).filter((p) => Object.values(agent!.endpoints ?? {}).some((u) => u.endsWith(`:${p}`)));
      await gateReachesAgent(docker, { edgeNetworkId: record.sandbox.edgeNetwork!.id, host: opts.advertiseHost, ports: served, labels: sessionLabels(labelInput) });
    }
    progress({ task: `up:${name}:agent`, label: 'Session agent ready', done: 1, total: 1, finished: true });

    // 5. drift: what the engine runs vs what was captured
    throwIfCancelled(signal);
    const drift = await timed('up: drift', () => sessionDrift(docker, manifest, record, secrets));
    record.phase = 'running';
    delete record.upOwner;
    store.write(record);
    const info = await timed('up: describe the session', () => describeSession(docker, stateDir, record, { probe: false }));
    const signature = (verification?.signature as UpReport['signature'] | undefined) ?? { status: 'unsigned' as const };
    const report: UpReport = { session: name, runtime: info.runtime, services: info.services.map(reportService), drift, sandbox: info.sandbox!, signature };
    const [{ contextFromManifest, recordEvent }] = await recording;
    const ref = {
      name,
      bundleId,
      createdAt: record.createdAt,
      bundleRoot: record.bundleRoot,
      bundleSource: record.bundleSource,
      context: { ...contextFromManifest(manifest), bundleSource: record.bundleSource },
    };
    const secretValues = [...secrets.values()];
    const recordingStart = performance.now();
    if (verification) recordEvent(ref, { kind: 'verify', data: verification }, { stateDir, secretValues });
    // the incident's own evidence, cited by the report
    const findings = await findingsReady;
    if (findings.canary) recordEvent(ref, { kind: 'canary', data: findings.canary }, { stateDir, secretValues });
    if (findings.traces) recordEvent(ref, { kind: 'traces', data: findings.traces }, { stateDir, secretValues });
    recordEvent(
      ref,
      { kind: 'up', data: { services: report.services.map(({ name: n, state, health, endpoints }) => ({ name: n, state, health, endpoints })), sandbox: report.sandbox } },
      { stateDir, secretValues },
    );
    recordEvent(ref, { kind: 'drift', data: { drift } }, { stateDir, secretValues });
    timedSince('up: findings and the session record', recordingStart);
    return report;
  } catch (err) {
    const cancelled = opts.signal?.aborted === true;
    progress({ task: `up:${name}:cleanup`, label: cancelled ? 'Up cancelled; removing what was created' : 'Up failed; removing what was created', done: 0 });
    // Let a still-starting agent finish (its plugins may be creating resources), then stop it,
    // so the removal below sees everything it made.
    if (!agent && agentStarting) agent = await agentStarting.catch(() => undefined);
    if (agent) signalAgent(agent, isProcessAlive);
    await runtime.removeSession(sessionLabelFilter(name, homeTag(stateDir))).catch(() => {
      // engine gone: the session stays 'failed' with resources listed for gc
    });
    progress({ task: `up:${name}:cleanup`, label: 'Removed what the up created', done: 1, total: 1, finished: true });
    if (cancelled) {
      // Stopped by the user, not broken: nothing is left, and the record says so.
      record.phase = 'down';
      record.cancelled = true;
      delete record.error;
    } else {
      record.phase = 'failed';
      record.error = { message: (err as Error).message, ...((err as WorkbenchError).details !== undefined ? { details: (err as WorkbenchError).details } : {}) };
    }
    delete record.upOwner;
    store.write(record);
    // the home's edge network goes too when no other session uses it (after the write: a starting up keeps it)
    await removeUnusedEdgeNetworks(docker, stateDir).catch(() => 0);
    throw cancelled ? cancelledError('the up was cancelled; what it created was removed') : err;
  } finally {
    opts.signal?.removeEventListener('abort', stopInner);
  }
}

/**
 * Run `parts` side by side and wait for every one of them to settle; when one fails, ask the
 * others to stop (`inner`) and throw the first real failure (a part that only stopped because
 * of it throws `cancelled`, which is not the cause).
 */
async function allSettledOrThrow<T>(inner: AbortController, parts: Promise<T>[]): Promise<T[]> {
  for (const p of parts) p.catch(() => inner.abort());
  const settled = await Promise.allSettled(parts);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as Error);
  if (failures.length) throw failures.find((e) => !(e instanceof WorkbenchError && e.code === 'cancelled')) ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

function reportService(s: SessionInfo['services'][number]): UpReport['services'][number] {
  return { name: s.name, state: s.state, health: s.health, containerId: s.containerId ?? '', endpoints: s.endpoints };
}

export async function sessionDrift(docker: Docker, manifest: BundleManifest, record: SessionRecord, secrets?: Map<string, string>): Promise<DriftItem[]> {
  const runtime = sessionRuntime(docker, record);
  const out: DriftItem[] = [];
  for (const state of record.services) {
    const svc = manifest.services.find((s) => s.name === state.name);
    if (!svc) continue;
    // Secret values are not stored; without them (later drift checks) compare the names only.
    const secretNames = new Set((svc.secrets ?? []).map((s) => s.name).filter((n) => record.secretNames.includes(n)));
    const env = serviceEnv(svc, record.injectedEnv, secrets ?? new Map());
    const drift = await runtime.serviceDrift(svc, state, env, secretNames);
    appendAll(out, secrets ? drift : drift.filter((d) => !(d.field.startsWith('env.') && secretNames.has(d.field.slice(4)) && d.actual !== null)));
  }
  return out;
}
