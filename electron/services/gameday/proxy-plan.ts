/**
 * Where the fault proxy sits, decided once by `up` before any service container exists (a
 * container's /etc/hosts is fixed at create, and a game day must be possible on any running
 * session without restarting it). It fits the sealed sandbox (docs/security.md): containers
 * reach nothing but each other and the session's gate, and the agent is reachable only through
 * the gate's forwards of the agent's ports (`agentPorts`), so a route is three hops, all on paths
 * the sandbox already has:
 *
 *   consumer ──"pricing:9000"──▶ gate :9000 ──▶ agent :R (faults applied here)
 *            (/etc/hosts: pricing = the gate)         │
 *   pricing :9000 ◀── gate (by name, the engine's DNS) ◀── 127.0.0.1:<gate's forward of pricing:9000>
 *
 * R is a port the up reserves on the agent's bind address like a plugin's (`plan.ports`), so
 * the gate forwards it as it forwards every agent port. Connections by container name or IP
 * bypass the proxy.
 *
 * Rules, each reported per service in `skipped` with its reason (its network faults are then
 * unavailable; container faults still work):
 *  - only services that declare ports, all TCP (a UDP port cannot be sent to a TCP proxy);
 *  - one service per port per session: the gate sees only the port a consumer dialled, so two
 *    services on one port could not be told apart (the first in manifest order keeps it);
 *  - not one of the agent's own ports (the gate listens there for the agent already).
 * REPRO_FAULT_PROXY=off brings sessions up without the proxy (for comparison, e.g. the bench).
 */
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { freePort, type AgentPlan } from '../environments/host-address';

export interface FaultProxyRoute {
  service: string;
  /** The service's container port: what consumers dial, and where the gate listens for them. */
  port: number;
  /** The agent's port for this route (reserved by the up, forwarded by the gate as an agent port). */
  agentPort: number;
}

export interface FaultProxyPlan {
  enabled: boolean;
  /** Why the proxy is off for this session, when it is. */
  reason?: string;
  /** What consumers' /etc/hosts map a dependency's name to: the gate's address on the session network (set once the gate runs). */
  hostsAddress?: string;
  /** Where the agent listens. */
  bindHost: string;
  routes: FaultProxyRoute[];
  skipped: Array<{ service: string; reason: string }>;
}

/** The key of a route's port among the agent's reserved ports (`AgentPlan.ports`). */
export function routePortKey(route: { service: string; port: number }): string {
  return `faults:${route.service}:${route.port}`;
}

/**
 * Plan the routes and reserve each one's agent port in `plan.ports` (so `agentPorts(plan)`, the
 * set the gate forwards, includes them). Call after the plugins' ports are reserved.
 */
export async function planFaultProxy(services: readonly ServiceSpec[], plan: AgentPlan, env: NodeJS.ProcessEnv = process.env): Promise<FaultProxyPlan> {
  const base = { bindHost: plan.bindHost };
  if (env.REPRO_FAULT_PROXY === 'off') return { enabled: false, reason: 'REPRO_FAULT_PROXY=off when the session came up', ...base, routes: [], skipped: [] };
  const pluginPorts = new Set(Object.values(plan.ports));
  const candidates: Array<{ service: string; port: number }> = [];
  const skipped: FaultProxyPlan['skipped'] = [];
  const owner = new Map<number, string>();
  for (const svc of services) {
    const ports = svc.ports ?? [];
    const reason = (() => {
      if (ports.length === 0) return 'declares no ports';
      if (ports.some((p) => (p.protocol ?? 'tcp') !== 'tcp')) return 'has a UDP port (its name cannot point at a TCP proxy)';
      for (const p of ports) {
        if (owner.has(p.container)) return `port ${p.container} is also served by ${owner.get(p.container)} (one service per port per session)`;
        if (pluginPorts.has(p.container)) return `port ${p.container} is one of the session agent's own ports`;
      }
      return undefined;
    })();
    if (reason) {
      skipped.push({ service: svc.name, reason });
      continue;
    }
    for (const p of ports) {
      owner.set(p.container, svc.name);
      candidates.push({ service: svc.name, port: p.container });
    }
  }
  // An agent port must not be a port the gate listens on for a route.
  const routePorts = new Set(candidates.map((c) => c.port));
  const routes: FaultProxyRoute[] = [];
  for (const c of candidates) {
    let agentPort = await freePort(plan.bindHost);
    while (routePorts.has(agentPort) || Object.values(plan.ports).includes(agentPort)) agentPort = await freePort(plan.bindHost);
    plan.ports[routePortKey(c)] = agentPort;
    routes.push({ ...c, agentPort });
  }
  return { enabled: true, ...base, routes, skipped };
}

/** The session agent's plugin that runs the fault proxy (agent-plugin.ts). */
export const FAULT_PROXY_PLUGIN = 'faults';

/** The /etc/hosts entries of one service's container: every other proxied service's name -> the gate. */
export function proxyExtraHosts(plan: FaultProxyPlan | undefined, service: string): string[] {
  if (!plan?.enabled || !plan.hostsAddress) return [];
  const names = [...new Set(plan.routes.map((r) => r.service))].filter((s) => s !== service);
  return names.map((n) => `${n}:${plan.hostsAddress}`);
}

/** The gate's listeners for the routes: a service's port, to the route's agent port. */
export function proxyGateRoutes(plan: FaultProxyPlan | undefined): Array<{ listen: number; agentPort: number }> {
  return plan?.enabled ? plan.routes.map((r) => ({ listen: r.port, agentPort: r.agentPort })) : [];
}

/** The service ports the gate must forward (published on loopback) for the agent to reach them. */
export function proxyUpstreams(plan: FaultProxyPlan | undefined): Array<{ service: string; port: number }> {
  return plan?.enabled ? plan.routes.map((r) => ({ service: r.service, port: r.port })) : [];
}
