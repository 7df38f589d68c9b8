import { createServer } from 'node:net';
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
