/**
 * The faults a game day has switched on inside a session's agent: network faults go to the fault
 * proxy, external ones are read by the fixtures stub on every request. One board per agent
 * process, handed to every session plugin in its context.
 *
 * A fault belongs to the control connection that applied it: when that connection closes (the
 * run ended, or its process died), every fault it owns is reverted at once, so a killed
 * `repro gameday run` cannot leave the proxy slowing a session down.
 */
import type { ServerResponse } from 'node:http';
import type { FaultProxy, ProxyFault } from './fault-proxy';

export type ExternalFault = { kind: 'http-error'; status: number; toxicity?: number } | { kind: 'delay'; delayMs: number; jitterMs?: number; toxicity?: number };

export type AgentFault = { kind: 'proxy'; target: string; fault: ProxyFault } | { kind: 'external'; host: string; fault: ExternalFault };

export interface ActiveAgentFault {
  id: string;
  fault: AgentFault;
  since: string;
}

/** What the session plugins read (the fixtures stub asks about the host of each request). */
export interface AgentFaultBoard {
  external(host: string): ExternalFault | undefined;
}

export class FaultBoard implements AgentFaultBoard {
  private proxy?: FaultProxy;
  private readonly active = new Map<string, ActiveAgentFault & { owner: object }>();

  attachProxy(proxy: FaultProxy): void {
    this.proxy = proxy;
  }

  hasRoute(service: string): boolean {
    return Boolean(this.proxy?.stats().routes.some((r) => r.service === service));
  }

  apply(id: string, fault: AgentFault, owner: object): void {
    const existing = this.active.get(id);
    if (existing) {
      if (JSON.stringify(existing.fault) === JSON.stringify(fault)) return; // applied twice: same thing
      throw new Error(`fault ${id} is already active with other settings`);
    }
    const key = keyOf(fault);
    const clash = [...this.active.values()].find((a) => keyOf(a.fault) === key);
    if (clash) throw new Error(`${key} already has fault ${clash.id}; one at a time`);
    if (fault.kind === 'proxy') {
      if (!this.proxy || !this.hasRoute(fault.target)) throw new Error(`no fault proxy route for service ${fault.target} in this session`);
      this.proxy.setFault(fault.target, fault.fault);
    }
    this.active.set(id, { id, fault, since: new Date().toISOString(), owner });
  }

  /** Revert one fault; reverting one that is not active is not an error (reverts are replayed). */
  revert(id: string): boolean {
    const a = this.active.get(id);
    if (!a) return false;
    this.active.delete(id);
    if (a.fault.kind === 'proxy') this.proxy?.setFault(a.fault.target, null);
    return true;
  }

  revertOwnedBy(owner: object): string[] {
    const ids = [...this.active.values()].filter((a) => a.owner === owner).map((a) => a.id);
    for (const id of ids) this.revert(id);
    return ids;
  }

  list(): ActiveAgentFault[] {
    return [...this.active.values()].map(({ id, fault, since }) => ({ id, fault, since }));
  }

  external(host: string): ExternalFault | undefined {
    if (this.active.size === 0) return undefined;
    const h = host.toLowerCase();
    for (const a of this.active.values()) if (a.fault.kind === 'external' && a.fault.host.toLowerCase() === h) return a.fault.fault;
    return undefined;
  }
}

function keyOf(f: AgentFault): string {
  return f.kind === 'proxy' ? `service ${f.target}` : `fixture host ${f.host.toLowerCase()}`;
}

/** Whether a draw hits a fault of this toxicity. */
export function hits(toxicity: number | undefined, random = Math.random): boolean {
  return toxicity === undefined || toxicity >= 1 || random() < toxicity;
}

/**
 * The fixtures stub's side of an external fault: answer with the error (true: the request is
 * answered), or wait out the delay and let the recorded answer follow (false).
 */
export async function injectExternalFault(board: AgentFaultBoard, host: string, res: ServerResponse): Promise<boolean> {
  const fault = board.external(host);
  if (!fault || !hits(fault.toxicity)) return false;
  if (fault.kind === 'delay') {
    const ms = Math.max(0, fault.delayMs + (fault.jitterMs ? (Math.random() * 2 - 1) * fault.jitterMs : 0));
    await new Promise((r) => setTimeout(r, ms));
    return false;
  }
  const text = JSON.stringify({ error: 'injected by a game day', status: fault.status, host });
  res.writeHead(fault.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'X-Repro-Fault': 'http-error' });
  res.end(text);
  return true;
}
