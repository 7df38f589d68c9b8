/**
 * Where the fault proxy sits, decided once by `up` before any container exists (a container's
 * /etc/hosts is fixed at create, and a game day must be possible on any running session without
 * restarting it): for every service that other services can reach by name, the agent listens
 * on the session network's gateway at that service's own ports, and every other container's
 * /etc/hosts points the name at the gateway. Connections by container name or IP bypass it.
 *
 * Rules, each reported per service in `skipped` with its reason (its network faults are then
 * unavailable; container faults still work):
 *  - only services that declare ports, all TCP (a UDP port cannot be sent to a TCP proxy);
 *  - one service per port per session: the proxy sees only the address a consumer dialled, so
 *    two services on one port could not be told apart (the first in manifest order keeps it);
 *  - the port must be free on the bind address now (on a local engine the gateway is the
 *    session's own address; on Docker Desktop it is the host's loopback, shared by every session
 *    and program) and not one of the agent's own ports; ports below 1024 need privileges.
 * REPRO_FAULT_PROXY=off brings sessions up without the proxy (for comparison, e.g. the bench).
 */
import net from 'node:net';
import type { ServiceSpec } from '../../../shared/bundle/manifest';

export interface FaultProxyRoute {
  service: string;
  port: number;
}

export interface FaultProxyPlan {
  enabled: boolean;
  /** Why the proxy is off for this session, when it is. */
  reason?: string;
  /** What consumers' /etc/hosts map a dependency's name to: the gateway IP, or host-gateway. */
  hostsAddress: string;
  /** Where the agent listens. */
  bindHost: string;
  /** How the agent reaches a dependency: its address on the session network, or its published loopback port (Docker Desktop). */
  upstream: 'container' | 'published';
  routes: FaultProxyRoute[];
  skipped: Array<{ service: string; reason: string }>;
}

/** Whether `port` can be bound on `host` right now. */
export function canBindPort(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EACCES' ? 'binding a port below 1024 needs privileges here' : `${err.code ?? err.message} on ${host}`));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

export async function planFaultProxy(
  services: readonly ServiceSpec[],
  opts: { bindHost: string; local: boolean; gatewayIp: string; agentPorts: readonly number[]; env?: NodeJS.ProcessEnv },
): Promise<FaultProxyPlan> {
  const base = { hostsAddress: opts.local ? opts.gatewayIp : 'host-gateway', bindHost: opts.bindHost, upstream: opts.local ? ('container' as const) : ('published' as const) };
  if ((opts.env ?? process.env).REPRO_FAULT_PROXY === 'off') {
    return { enabled: false, reason: 'REPRO_FAULT_PROXY=off when the session came up', ...base, routes: [], skipped: [] };
  }
  const routes: FaultProxyRoute[] = [];
  const skipped: FaultProxyPlan['skipped'] = [];
  const owner = new Map<number, string>();
  for (const svc of services) {
    const ports = svc.ports ?? [];
    const reason = await (async () => {
      if (ports.length === 0) return 'declares no ports';
      if (ports.some((p) => (p.protocol ?? 'tcp') !== 'tcp')) return 'has a UDP port (its name cannot point at a TCP proxy)';
      for (const p of ports) {
        if (owner.has(p.container)) return `port ${p.container} is also served by ${owner.get(p.container)} (one service per port per session)`;
        if (opts.agentPorts.includes(p.container)) return `port ${p.container} is one of the session agent's own ports`;
        const bind = await canBindPort(opts.bindHost, p.container);
        if (bind) return `port ${p.container} cannot be bound: ${bind}`;
      }
      return undefined;
    })();
    if (reason) {
      skipped.push({ service: svc.name, reason });
      continue;
    }
    for (const p of ports) {
      owner.set(p.container, svc.name);
      routes.push({ service: svc.name, port: p.container });
    }
  }
  return { enabled: true, ...base, routes, skipped };
}

/** The /etc/hosts entries of one service's container: every other proxied service's name -> the proxy. */
export function proxyExtraHosts(plan: FaultProxyPlan | undefined, service: string): string[] {
  if (!plan?.enabled) return [];
  const names = [...new Set(plan.routes.map((r) => r.service))].filter((s) => s !== service);
  return names.map((n) => `${n}:${plan.hostsAddress}`);
}

/** Ports the agent listens on for the proxy (containers must be allowed to reach them). */
export function proxyPorts(plan: FaultProxyPlan | undefined): number[] {
  return plan?.enabled ? [...new Set(plan.routes.map((r) => r.port))] : [];
}

/** Container ports a service must publish on loopback so the agent can reach it (Docker Desktop only). */
export function proxyPublishedPorts(plan: FaultProxyPlan | undefined, service: string): number[] {
  return plan?.enabled && plan.upstream === 'published' ? plan.routes.filter((r) => r.service === service).map((r) => r.port) : [];
}
