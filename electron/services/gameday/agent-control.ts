/**
 * How a game day (in the CLI or a host) talks to a session's agent: newline-delimited JSON over
 * a loopback TCP connection, with a random token from the session folder (readable only by its
 * owner) as the first message. Loopback and the token keep containers out: on Docker Desktop
 * they can reach the host's loopback.
 *
 * A fault lives as long as the connection that applied it (see FaultBoard), so the runner keeps
 * one connection open for the whole run.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { writeJsonAtomic } from '../environments/state-store';
import type { ActiveAgentFault, AgentFault, FaultBoard } from './fault-board';
import type { ProxyStats } from './fault-proxy';

export const CONTROL_FILE = 'agent-control.json';
const MAX_LINE = 64 * 1024;

export type ControlRequest = { n: number } & ({ op: 'hello'; token: string } | { op: 'apply'; id: string; fault: AgentFault } | { op: 'revert'; id: string } | { op: 'status' });

export interface ControlStatus {
  faults: ActiveAgentFault[];
  routes: ProxyStats['routes'];
  /** Routes of the plan the agent could not listen on. */
  failedRoutes: Array<{ service: string; port: number; error: string }>;
}

type WithoutN<T> = T extends unknown ? Omit<T, 'n'> : never;
type ControlReply = { n: number; ok: true; result?: unknown } | { n: number; ok: false; error: string };

export interface ControlServer {
  port: number;
  close(): Promise<void>;
}

/** Start the agent's control endpoint and write where it is (and its token) to the session folder. */
export async function startControlServer(opts: { sessionDir: string; board: FaultBoard; status: () => Omit<ControlStatus, 'faults'>; log?: (m: string) => void }): Promise<ControlServer> {
  const token = randomBytes(24).toString('hex');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const owner = {};
    let authed = false;
    let buffered = '';
    const send = (r: ControlReply) => socket.write(JSON.stringify(r) + '\n');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_LINE && !buffered.includes('\n')) return void socket.destroy();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let req: ControlRequest;
        try {
          req = JSON.parse(line) as ControlRequest;
        } catch {
          return void socket.destroy();
        }
        if (!authed) {
          if (req.op !== 'hello' || !sameToken(req.token, token)) return void socket.destroy();
          authed = true;
          send({ n: req.n, ok: true });
          continue;
        }
        try {
          if (req.op === 'apply') {
            opts.board.apply(req.id, req.fault, owner);
            opts.log?.(`fault ${req.id} applied: ${JSON.stringify(req.fault)}`);
            send({ n: req.n, ok: true });
          } else if (req.op === 'revert') {
            const was = opts.board.revert(req.id);
            if (was) opts.log?.(`fault ${req.id} reverted`);
            send({ n: req.n, ok: true, result: { reverted: was } });
          } else if (req.op === 'status') {
            send({ n: req.n, ok: true, result: { ...opts.status(), faults: opts.board.list() } satisfies ControlStatus });
          } else send({ n: (req as { n: number }).n, ok: false, error: 'unknown op' });
        } catch (err) {
          send({ n: req.n, ok: false, error: (err as Error).message });
        }
      }
    });
    const done = () => {
      sockets.delete(socket);
      const reverted = opts.board.revertOwnedBy(owner);
      if (reverted.length) opts.log?.(`control connection closed: reverted ${reverted.join(', ')}`);
    };
    socket.on('close', done);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  writeJsonAtomic(join(opts.sessionDir, CONTROL_FILE), { port, token, pid: process.pid });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The runner's end of the control connection. */
export class AgentControlClient {
  private n = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private buffered = '';
  private closedError?: Error;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const reply = JSON.parse(this.buffered.slice(0, nl)) as ControlReply;
        this.buffered = this.buffered.slice(nl + 1);
        const p = this.pending.get(reply.n);
        if (!p) continue;
        this.pending.delete(reply.n);
        if (reply.ok) p.resolve(reply.result);
        else p.reject(new WorkbenchError('conflict', reply.error));
      }
    });
    const fail = (err: Error) => {
      this.closedError ??= err;
      for (const p of this.pending.values()) p.reject(this.closedError);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new WorkbenchError('unavailable', 'the session agent closed the control connection')));
  }

  /** Connect to a session's agent (its control file says where). */
  static async connect(sessionDir: string, timeoutMs = 3000): Promise<AgentControlClient> {
    let info: { port: number; token: string };
    try {
      info = JSON.parse(readFileSync(join(sessionDir, CONTROL_FILE), 'utf8')) as { port: number; token: string };
    } catch {
      throw new WorkbenchError('unavailable', `the session agent offers no fault control (no ${CONTROL_FILE}: the session came up before game days existed, or its agent is gone); bring it up again for network and external faults`);
    }
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: info.port, noDelay: true });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new WorkbenchError('unavailable', `the session agent did not answer on 127.0.0.1:${info.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new WorkbenchError('unavailable', `cannot reach the session agent on 127.0.0.1:${info.port}: ${err.message}`));
      });
    });
    const client = new AgentControlClient(socket);
    await client.request({ op: 'hello', token: info.token });
    return client;
  }

  private request(req: WithoutN<ControlRequest>): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      this.pending.set(n, { resolve, reject });
      this.socket.write(JSON.stringify({ ...req, n }) + '\n');
    });
  }

  async apply(id: string, fault: AgentFault): Promise<void> {
    await this.request({ op: 'apply', id, fault });
  }

  async revert(id: string): Promise<boolean> {
    return ((await this.request({ op: 'revert', id })) as { reverted: boolean }).reverted;
  }

  async status(): Promise<ControlStatus> {
    return (await this.request({ op: 'status' })) as ControlStatus;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}
