import { lookup } from 'node:dns/promises';
import { createServer, isIP } from 'node:net';
import { WorkbenchError } from '../../../shared/api/errors';
import type { AddressInfo } from 'node:net';

/**
 * Whether an address is this machine's (the engine runs here, so a container reaches us on
 * its network's gateway). Tried by binding: the OS interface list leaves out a bridge that has
 * no running container yet.
 */
export function canBind(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, ip, () => probe.close(() => resolve(true)));
  });
}

/** A port that is free on `host` right now (the agent binds it moments later). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface AgentPlan {
  bindHost: string;
  advertisedHost: string;
  /** Port reserved per plugin name. */
  ports: Record<string, number>;
}

/** The host part of an engine address when it is a network one (tcp://, https://, ssh://), else undefined (unix://, npipe://). */
export function engineNetworkHost(endpoint: string): string | undefined {
  if (!/^(tcp|https?|ssh):\/\//.test(endpoint)) return undefined;
  try {
    return new URL(endpoint.replace(/^tcp:/, 'http:')).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

/** `http://host:port`, an IPv6 address in brackets (a remote engine's ingress host may be one). */
export function httpOrigin(addr: { host: string; port: number }): string {
  return `http://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Where the session's gate publishes the ingress, as an address of the engine's machine that
 * this machine reaches it by: loopback for an engine behind a unix socket or named pipe (this
 * machine, or Docker Desktop's VM, which forwards its loopback ports here); for a tcp:// or
 * ssh:// engine, the endpoint's host (a name resolved here, as the connection to it was): the
 * engine binds the ingress to that address of its machine, and a machine whose address this is
 * not (NAT, a tunnel) fails the gate's start with the engine's error.
 */
export async function ingressHostFor(endpoint: string): Promise<string> {
  const host = engineNetworkHost(endpoint);
  if (!host) return '127.0.0.1';
  if (isIP(host)) return host;
  return (await lookup(host, { family: 4 }).catch(() => lookup(host))).address;
}

/**
 * Before anything exists: an engine on another machine (a tcp:// or ssh:// host that is neither
 * loopback nor an address of this machine) needs --advertise-host (agentRoute says why).
 */
export async function checkAgentRoute(endpoint: string, advertiseHost: string | undefined): Promise<void> {
  const host = engineNetworkHost(endpoint);
  if (advertiseHost !== undefined || !host || isLoopbackHost(host)) return;
  const local = isIP(host) ? await canBind(host) : false;
  agentRoute({ endpoint, local, edgeGateway: '', advertiseHost });
}

/**
 * Where the agent listens and where the gate reaches it. On this machine's engine: the edge
 * network's gateway. With --advertise-host: that address. An engine behind a unix socket that
 * is not on this machine (Docker Desktop): loopback, reached through host.docker.internal. An
 * engine on another machine (tcp:// or ssh:// to a host other than loopback) has no way back
 * here but the one the user names: host.docker.internal there is that machine itself.
 */
export function agentRoute(input: { endpoint: string; local: boolean; edgeGateway: string; advertiseHost?: string | undefined }): { bindHost: string; gateHost: string } {
  if (input.advertiseHost !== undefined) return { bindHost: input.advertiseHost, gateHost: input.advertiseHost };
  if (input.local) return { bindHost: input.edgeGateway, gateHost: input.edgeGateway };
  const host = engineNetworkHost(input.endpoint);
  if (host && !isLoopbackHost(host)) {
    throw new WorkbenchError(
      'invalid_argument',
      `The engine at ${input.endpoint} runs on another machine: its containers reach this machine's session agent only at an address you name. Pass --advertise-host with an address of this machine that ${host} can route to (see ip addr).`,
      { endpoint: input.endpoint },
    );
  }
  return { bindHost: '127.0.0.1', gateHost: 'host.docker.internal' };
}
