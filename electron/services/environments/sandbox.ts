/**
 * The sealed sandbox (docs/security.md). A session's containers must reach each other, the
 * session agent's ports (OTLP receiver, fixtures stub, and whatever other plugins reserve) and
 * nothing else: not other Docker networks, not the LAN, not the internet, not this machine.
 * Built only from what the engine offers, so it holds on Docker Desktop and remote engines too:
 *
 *  - the session network is `internal` (no route out; the engine drops its traffic to any other
 *    interface) and has no host address (`com.docker.network.bridge.inhibit_ipv4`), so from a
 *    container there is no address of this machine to connect to at all;
 *  - one "gate" container of ours (static busybox `nc`, no capabilities, read-only, IP
 *    forwarding off) sits on the session network under the name agent.repro.internal and on the
 *    home's edge network (a normal bridge that only gates join, inter-container traffic off):
 *    it forwards exactly the agent's ports to the agent, which listens on the edge network's
 *    gateway, and publishes each service's ingress (and HTTP healthcheck) port on 127.0.0.1 of
 *    this machine, forwarding it into the session network.
 *
 * `--allow-egress` keeps the same plumbing but makes the session network an ordinary bridge:
 * containers then reach the internet, the LAN and this machine. The record says which it was.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { ingressPort, type BundleManifest } from '../../../shared/bundle/manifest';
import { ensureForwarderImage } from '../replay/fixtures-stub';
import { HARDENED_HOST_CONFIG } from './container-spec';
import { lastLogLines } from './docker-streams';
import { canBind, httpOrigin, type AgentPlan } from './host-address';
import { ensureEdgeNetwork } from './edge-network';
import { LABEL_ROLE } from './labels';

const execFileP = promisify(execFile);

/** The gate's name on the session network: containers reach the agent's ports here. */
export const GATE_ALIAS = 'agent.repro.internal';
/** Where the gate's own listeners for service forwards start (agent ports are skipped). */
const FIRST_FORWARD_PORT = 20000;
const INHIBIT_IPV4 = 'com.docker.network.bridge.inhibit_ipv4';

export interface GateForward {
  service: string;
  /** Container port of the service. */
  port: number;
  /** The gate's port for it (published on 127.0.0.1 as hostPort). */
  listen: number;
  hostPort?: number;
}

export interface SandboxState {
  /** sealed: the session reaches only itself and the agent; open: `--allow-egress`. */
  egress: 'sealed' | 'open';
  /** The workbench checked the seal itself (local engine: internal network, no address of this machine on it). */
  verified: boolean;
  /**
   * false: the engine does not enforce the seal it was asked for (no firewall rules for the
   * session network: a dockerd with --iptables=false); the session is not sealed. Absent: as far
   * as the workbench can tell, it does.
   */
  enforced?: false;
  /** What could not be enforced or checked, in words for the UI and `up`'s output. */
  notes: string[];
  edgeNetwork?: { name: string; id: string; gatewayIp: string };
  gate?: {
    containerId: string;
    containerName: string;
    forwards: GateForward[];
    /** Its address on the session network. */
    address?: string;
    /** Where its forwards are published: an address of the engine's machine (absent: 127.0.0.1). */
    host?: string;
  };
}

/**
 * The agent's ports that containers may reach: every port the up reserved for a plugin. The one
 * place this set comes from (the gate forwards exactly these); a plugin whose port containers
 * must reach declares `reservePort`.
 */
export function agentPorts(plan: AgentPlan | undefined): number[] {
  return [...new Set(Object.values(plan?.ports ?? {}))].sort((a, b) => a - b);
}

/** The create request of a session network: sealed (internal, no host address) unless egress is allowed. */
export function sessionNetworkSpec(name: string, labels: Record<string, string>, allowEgress: boolean): Docker.NetworkCreateOptions {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: labels,
    ...(allowEgress ? {} : { Internal: true, Options: { [INHIBIT_IPV4]: 'true' } }),
  };
}

/**
 * Check what the engine made of the session network. On a local engine the workbench can see
 * for itself that this machine has no address on it; elsewhere it can only report what it asked.
 */
export async function checkSeal(
  info: Docker.NetworkInspectInfo,
  opts: { allowEgress: boolean; local: boolean; firewall?: (info: Docker.NetworkInspectInfo) => Promise<boolean | undefined> },
): Promise<Pick<SandboxState, 'egress' | 'verified' | 'notes' | 'enforced'>> {
  if (opts.allowEgress) {
    return { egress: 'open', verified: false, notes: ['egress allowed (--allow-egress): containers can reach the internet, the LAN and this machine'] };
  }
  const notes: string[] = [];
  const internal = info.Internal === true;
  // An overlay network (swarm) lives in the engine's own network namespace: no host has an
  // address on it, so there is nothing to inhibit; internal keeps docker_gwbridge (the way out) off.
  const overlay = info.Driver === 'overlay';
  const inhibited = overlay || info.Options?.[INHIBIT_IPV4] === 'true';
  if (!internal) notes.push('the engine did not make the session network internal: containers may reach other networks and the internet');
  if (!inhibited) notes.push('the engine ignored the request for no host address on the session network: containers may reach this machine');
  const gateway = info.IPAM?.Config?.[0]?.Gateway;
  if (opts.local) {
    const hostHasAddress = gateway ? await canBind(gateway) : false;
    if (hostHasAddress) notes.push(`this machine has the address ${gateway} on the session network: containers can reach its ports`);
    // an internal bridge network is enforced by the engine's firewall rules on this machine
    const firewalled = !overlay && opts.firewall ? await opts.firewall(info) : undefined;
    if (firewalled === false) {
      notes.unshift(
        `NOT SEALED: the engine made no firewall rules for the session network (${bridgeInterface(info)}): it runs without iptables (dockerd --iptables=false), so nothing keeps the containers' traffic inside the internal network, and the edge network's gates are not kept apart either`,
      );
      return { egress: 'sealed', verified: false, enforced: false, notes };
    }
    return { egress: 'sealed', verified: internal && inhibited && !hostHasAddress, notes };
  }
  notes.push(
    "the engine does not run on this machine (Docker Desktop or a remote engine): the workbench asked it for an internal network without a host address but cannot check the result from here; that engine's firewall enforces it (a dockerd started with --iptables=false does not, and then the session is not sealed)",
  );
  return { egress: 'sealed', verified: false, notes };
}

/** The host interface of a bridge network (the engine's default name unless the network set one). */
function bridgeInterface(info: Docker.NetworkInspectInfo): string {
  return info.Options?.['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`;
}

/**
 * Whether this machine's firewall drops what leaves an internal bridge network (the engine's
 * DOCKER-ISOLATION-STAGE-1 rules for its interface), read with `iptables -S` (nf_tables, then
 * legacy tables). undefined when the firewall cannot be read here (no iptables, not root):
 * then the engine is taken at its word, as before.
 */
export async function firewallIsolates(info: Docker.NetworkInspectInfo): Promise<boolean | undefined> {
  const rule = `-o ${bridgeInterface(info)} -j DROP`;
  let readable = false;
  for (const cmd of ['iptables', 'iptables-legacy']) {
    const out = await execFileP(cmd, ['-w', '2', '-S', 'DOCKER-ISOLATION-STAGE-1'], { timeout: 5000 }).then(
      (r) => r.stdout,
      (err: { code?: unknown; stderr?: string }) => (/No chain|does not exist/i.test(err.stderr ?? '') ? '' : undefined),
    );
    if (out === undefined) continue;
    readable = true;
    if (out.includes(rule)) return true;
  }
  return readable ? false : undefined;
}

/**
 * What the gate publishes: each service's ingress port and its HTTP healthcheck port, and the
 * `extra` service ports others need from this machine (the fault proxy's upstreams). `reserved`:
 * ports the gate listens on for something else.
 */
export function gateForwards(manifest: BundleManifest, reserved: number[], extra: ReadonlyArray<{ service: string; port: number }> = []): GateForward[] {
  const out: GateForward[] = [];
  const taken = new Set(reserved);
  let next = FIRST_FORWARD_PORT;
  const add = (service: string, port: number) => {
    if (out.some((f) => f.service === service && f.port === port)) return;
    while (taken.has(next)) next++;
    taken.add(next);
    out.push({ service, port, listen: next++ });
  };
  for (const svc of manifest.services) {
    const ingress = ingressPort(svc);
    if (ingress !== undefined && (svc.ports ?? []).find((p) => p.container === ingress)?.protocol !== 'udp') add(svc.name, ingress);
    if (svc.healthcheck && 'http' in svc.healthcheck) add(svc.name, svc.healthcheck.http.port);
  }
  for (const e of extra) add(e.service, e.port);
  return out;
}

const HOST_RE = /^[A-Za-z0-9.:-]+$/;

/** A gate listener on a port other than the agent's that leads to an agent port (the fault proxy's routes). */
export interface GateRoute {
  listen: number;
  agentPort: number;
}

/**
 * The gate's `sh -c` script: one persistent nc listener per agent port (to the agent), per
 * route (to its agent port) and per forward (to the service by name on the session network). A remote engine's gate reaches the
 * agent through host.docker.internal, looked up in /etc/hosts (the static busybox's resolver is
 * not trusted with it).
 */
export function gateScript(ports: number[], agentHost: string, forwards: GateForward[], routes: readonly GateRoute[] = []): string {
  if (!HOST_RE.test(agentHost)) throw new Error(`unexpected agent host "${agentHost}"`);
  const lines: string[] = [];
  let upstream = agentHost;
  if (agentHost === 'host.docker.internal') {
    lines.push(`A=$(/bin/busybox awk '$2=="host.docker.internal"{print $1; exit}' /etc/hosts); [ -n "$A" ] || A=host.docker.internal`);
    upstream = '$A';
  }
  for (const p of ports) lines.push(`/bin/busybox nc -ll -p ${Number(p)} -e /bin/busybox nc ${upstream} ${Number(p)} &`);
  for (const r of routes) lines.push(`/bin/busybox nc -ll -p ${Number(r.listen)} -e /bin/busybox nc ${upstream} ${Number(r.agentPort)} &`);
  for (const f of forwards) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(f.service)) throw new Error(`unexpected service name "${f.service}"`);
    lines.push(`/bin/busybox nc -ll -p ${Number(f.listen)} -e /bin/busybox nc ${f.service} ${Number(f.port)} &`);
  }
  return [...lines, 'wait'].join('\n');
}

/** `--advertise-host`: a plain address of this machine (the agent listens there), never a URL. */
export async function checkAdvertiseHost(host: string): Promise<void> {
  if (!HOST_RE.test(host) || host === 'host.docker.internal') {
    throw new WorkbenchError('invalid_argument', `--advertise-host "${host}": expected an IP address or host name of this machine`);
  }
  if (!(await canBind(host))) {
    throw new WorkbenchError('invalid_argument', `--advertise-host ${host} is not an address of this machine: the session agent listens there, so it must be one (see ip addr)`);
  }
}

/**
 * From a throwaway container on the session's edge network (where the gate is), connect to each
 * served agent port at `host` (busybox nc, 3 s each): an advertised address the engine's
 * containers cannot reach fails the up here, with the reason, instead of leaving a session whose
 * telemetry and fixtures silently go nowhere. Not from the gate itself: it listens on the agent's
 * ports, so it would answer for any address of its own.
 */
export async function gateReachesAgent(docker: Docker, input: { edgeNetworkId: string; host: string; ports: number[]; labels: Record<string, string> }): Promise<void> {
  if (!HOST_RE.test(input.host)) throw new Error(`unexpected agent host "${input.host}"`);
  if (input.ports.length === 0) return;
  const image = await ensureForwarderImage(docker);
  const script = input.ports.map((p) => `/bin/busybox nc -w 3 ${input.host} ${Number(p)} -e /bin/busybox true || { echo "port ${Number(p)}"; exit 1; }`).join('\n');
  const probe = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', script],
    User: '65534:65534',
    Labels: { ...input.labels, [LABEL_ROLE]: 'probe' },
    HostConfig: { ...HARDENED_HOST_CONFIG, CapAdd: [], NetworkMode: input.edgeNetworkId, ReadonlyRootfs: true, Memory: 32 * 1024 * 1024 },
  });
  try {
    await probe.start();
    const { StatusCode } = (await probe.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const failed = (await lastLogLines(docker, probe.id)).join(' ').match(/port (\d+)/)?.[1] ?? String(input.ports[0]);
      throw new WorkbenchError(
        'unavailable',
        `The session's containers cannot reach the session agent at ${input.host}:${failed} (--advertise-host). Give an address of this machine that the engine's host can route to, and let this machine's firewall accept ports ${input.ports.join(', ')} from it.`,
        { host: input.host, port: Number(failed) },
      );
    }
  } finally {
    await probe.remove({ force: true }).catch(() => {});
  }
}

export interface GateInput {
  session: string;
  labels: Record<string, string>;
  sessionNetwork: string;
  stateDir: string;
  /** The edge network's id (ensureEdgeNetwork), where the agent listens. */
  edgeNetworkId: string;
  /** Where the gate reaches the agent: the edge network's gateway (local engine) or host.docker.internal. */
  agentHost: string;
  agentPorts: number[];
  forwards: GateForward[];
  /** Listeners on services' own ports that lead to agent ports (the fault proxy's routes). */
  routes?: GateRoute[];
  /** The address of the engine's machine the forwards are published on (ingressHostFor; default 127.0.0.1). */
  publishHost?: string;
  /** The gate's image id, when the caller already asked for it (ensureForwarderImage). */
  image?: Promise<string>;
}

export function gateName(session: string): string {
  // "_" cannot occur in a service name, so this never collides with repro-<session>-<service>.
  return `repro-${session}_gate`.slice(0, 120);
}

/** Create and start the session's gate; returns its forwards with the host ports the engine picked. */
export async function startGate(docker: Docker, input: GateInput): Promise<NonNullable<SandboxState['gate']>> {
  const image = await (input.image ?? ensureForwarderImage(docker));
  const publishHost = input.publishHost ?? '127.0.0.1';
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const f of input.forwards) {
    exposed[`${f.listen}/tcp`] = {};
    bindings[`${f.listen}/tcp`] = [{ HostIp: publishHost, HostPort: '' }];
  }
  const name = gateName(input.session);
  const create = (edgeId: string) =>
    docker.createContainer({
      name,
      Image: image,
      Cmd: ['sh', '-c', gateScript(input.agentPorts, input.agentHost, input.forwards, input.routes)],
      User: '65534:65534',
      Labels: { ...input.labels, [LABEL_ROLE]: 'gate' },
      ExposedPorts: exposed,
      HostConfig: {
        ...HARDENED_HOST_CONFIG,
        CapAdd: [],
        NetworkMode: edgeId,
        PortBindings: bindings,
        Memory: 64 * 1024 * 1024,
        ReadonlyRootfs: true,
        // A container of the session sending frames to the gate must not get them routed out.
        Sysctls: {
          'net.ipv4.ip_forward': '0',
          // A route listens on a service's own port, maybe below 1024, with no capability (the engine's default since 20.10, asked for explicitly).
          ...(input.routes?.some((r) => r.listen < 1024) ? { 'net.ipv4.ip_unprivileged_port_start': '0' } : {}),
        },
        ExtraHosts: input.agentHost === 'host.docker.internal' ? ['host.docker.internal:host-gateway'] : [],
        RestartPolicy: { Name: '' },
      },
      NetworkingConfig: { EndpointsConfig: { [edgeId]: {} } },
    });
  let container: Docker.Container;
  try {
    container = await create(input.edgeNetworkId);
  } catch (err) {
    // The edge network went away since the up looked (its last other session went down): make
    // it again. The agent listens on an address of this machine, which the gate reaches from any
    // edge network, so the gate works even when the new one has another gateway.
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    container = await create((await ensureEdgeNetwork(docker, input.stateDir)).Id);
  }
  await docker.getNetwork(input.sessionNetwork).connect({ Container: container.id, EndpointConfig: { Aliases: [GATE_ALIAS] } });
  await container.start();
  const info = await container.inspect();
  const forwards = input.forwards.map((f) => {
    const b = (info.NetworkSettings?.Ports?.[`${f.listen}/tcp`] ?? [])?.find((x: { HostIp: string }) => x.HostIp === publishHost);
    if (!b) throw new WorkbenchError('internal', `the engine published no host port on ${publishHost} for the gate's forward to ${f.service}:${f.port}`);
    return { ...f, hostPort: Number(b.HostPort) };
  });
  const address = info.NetworkSettings?.Networks?.[input.sessionNetwork]?.IPAddress || undefined;
  return { containerId: container.id, containerName: name, forwards, ...(address ? { address } : {}), ...(publishHost !== '127.0.0.1' ? { host: publishHost } : {}) };
}

/** Where this machine reaches a service's port through the gate, if the gate forwards it. */
export function gateAddress(sandbox: SandboxState | undefined, service: string, port: number): { host: string; port: number } | undefined {
  const f = sandbox?.gate?.forwards.find((x) => x.service === service && x.port === port && x.hostPort);
  return f ? { host: sandbox?.gate?.host ?? '127.0.0.1', port: f.hostPort! } : undefined;
}

/** A service's endpoints as the engineer uses them: its ingress, on loopback, through the gate. */
export function gateEndpoints(sandbox: SandboxState | undefined, manifestService: { name: string } & Parameters<typeof ingressPort>[0]): Array<{ container: number; url: string }> {
  const ingress = ingressPort(manifestService);
  const addr = ingress === undefined ? undefined : gateAddress(sandbox, manifestService.name, ingress);
  return addr && ingress !== undefined ? [{ container: ingress, url: httpOrigin(addr) }] : [];
}

/**
 * Where this machine reaches a service's port for its healthcheck: through the session's gate;
 * for sessions from before the gate, the published loopback port or the container's address.
 */
export function healthTarget(info: Docker.ContainerInspectInfo, record: { sandbox?: SandboxState; network?: { name: string } }, service: string) {
  const networkName = record.network?.name ?? '';
  return {
    address(port: number) {
      const viaGate = gateAddress(record.sandbox, service, port);
      if (viaGate) return viaGate;
      const published = (info.NetworkSettings?.Ports?.[`${port}/tcp`] ?? [])?.find((b: { HostIp: string }) => b.HostIp === '127.0.0.1');
      if (published) return { host: '127.0.0.1', port: Number(published.HostPort) };
      const ip = info.NetworkSettings?.Networks?.[networkName]?.IPAddress;
      return ip ? { host: ip, port } : undefined;
    },
  };
}
