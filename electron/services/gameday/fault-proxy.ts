/**
 * The workbench's own fault proxy: a TCP forwarder in the path of every service-to-service
 * connection of a session, so network faults need no image, no privileges and no kernel
 * feature, and work on Docker Desktop as on a local engine.
 *
 * Each route listens on an agent port that the session's gate forwards a dependency's own port
 * to (a consumer's /etc/hosts sends the dependency's name to the gate; proxy-plan.ts) and
 * forwards every connection back through the gate to the dependency. With no fault on a route a connection is two sockets and one
 * branch per chunk (the cost goal: next to nothing). A fault changes open connections too:
 *   latency    the target's answers (target -> consumer) are held latencyMs ± jitterMs, in order;
 *   bandwidth  the target's answers are paced to kbPerS;
 *   reset      connections are reset (open ones and new ones);
 *   timeout    nothing flows either way until the fault ends (then everything held flows on);
 * each on a share `toxicity` of connections (drawn per connection).
 */
import net, { type AddressInfo, type Socket } from 'node:net';

export type ProxyFault =
  | { kind: 'latency'; latencyMs: number; jitterMs?: number; toxicity?: number }
  | { kind: 'bandwidth'; kbPerS: number; toxicity?: number }
  | { kind: 'reset'; toxicity?: number }
  | { kind: 'timeout'; toxicity?: number };

export interface ProxyRoute {
  /** The dependency (a service of the session). */
  service: string;
  /** Its container port: what consumers connect to. */
  port: number;
  /** Where the proxy listens for this route (default: `port`); the gate sends the route's connections there. */
  listen?: number;
}

export interface Upstream {
  host: string;
  port: number;
}

export interface FaultProxyOptions {
  /** Address the listeners bind (the agent's: the edge network's gateway, or loopback on Docker Desktop). */
  bindHost: string;
  routes: ProxyRoute[];
  /** Where a route's connections go now. Cached until invalidate() or a failed connect. */
  resolve(route: ProxyRoute): Promise<Upstream>;
  log?: (message: string) => void;
  /** Draws for toxicity (tests pass a fixed sequence). */
  random?: () => number;
}

/** Above this many bytes held for one direction, reading from its source pauses. */
const HELD_HIGH_WATER = 1 << 20;

interface RouteState {
  route: ProxyRoute;
  server: net.Server;
  upstream?: Upstream;
  resolving?: Promise<Upstream>;
  links: Set<Link>;
}

export interface ProxyStats {
  routes: Array<ProxyRoute & { listening: string; connections: number; accepted: number; fault?: ProxyFault }>;
}

export class FaultProxy {
  private readonly states: RouteState[] = [];
  private readonly faults = new Map<string, ProxyFault>();
  private readonly accepted = new Map<RouteState, number>();
  private readonly random: () => number;

  constructor(private readonly opts: FaultProxyOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** Bind every route's listener; a route whose port cannot be bound is reported, the rest serve. */
  async start(): Promise<Array<{ route: ProxyRoute; error: string }>> {
    const failed: Array<{ route: ProxyRoute; error: string }> = [];
    await Promise.all(
      this.opts.routes.map(async (route) => {
        const state: RouteState = { route, server: net.createServer({ noDelay: true, allowHalfOpen: true }), links: new Set() };
        state.server.on('connection', (client) => this.accept(state, client));
        try {
          await new Promise<void>((resolve, reject) => {
            state.server.once('error', reject);
            state.server.listen({ host: this.opts.bindHost, port: route.listen ?? route.port, exclusive: true }, () => {
              state.server.removeListener('error', reject);
              resolve();
            });
          });
          state.server.on('error', (err) => this.opts.log?.(`${route.service}:${route.port}: ${err.message}`));
          this.states.push(state);
        } catch (err) {
          failed.push({ route, error: (err as Error).message });
        }
      }),
    );
    return failed;
  }

  /** Where a route listens (tests and the plan). */
  address(service: string, port: number): AddressInfo | undefined {
    const s = this.states.find((x) => x.route.service === service && x.route.port === port);
    return s ? (s.server.address() as AddressInfo) : undefined;
  }

  /** Set (or, with null, clear) the fault on every route of a service; open connections follow. */
  setFault(service: string, fault: ProxyFault | null): void {
    if (fault) this.faults.set(service, fault);
    else this.faults.delete(service);
    for (const s of this.states) {
      if (s.route.service !== service) continue;
      for (const link of s.links) link.setFault(fault && this.draw(fault) ? fault : null);
    }
  }

  faultOf(service: string): ProxyFault | undefined {
    return this.faults.get(service);
  }

  activeFaults(): Array<{ service: string; fault: ProxyFault }> {
    return [...this.faults].map(([service, fault]) => ({ service, fault }));
  }

  /** Forget a service's cached address (its container restarted or moved). */
  invalidate(service: string): void {
    for (const s of this.states) if (s.route.service === service) s.upstream = undefined;
  }

  stats(): ProxyStats {
    return {
      routes: this.states.map((s) => {
        const a = s.server.address() as AddressInfo;
        const fault = this.faults.get(s.route.service);
        return { ...s.route, listening: `${a.address}:${a.port}`, connections: s.links.size, accepted: this.accepted.get(s) ?? 0, ...(fault ? { fault } : {}) };
      }),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.states.map(
        (s) =>
          new Promise<void>((resolve) => {
            for (const l of s.links) l.destroy();
            s.server.close(() => resolve());
          }),
      ),
    );
    this.states.length = 0;
  }

  private draw(fault: ProxyFault): boolean {
    const t = fault.toxicity ?? 1;
    return t >= 1 || this.random() < t;
  }

  private accept(state: RouteState, client: Socket): void {
    this.accepted.set(state, (this.accepted.get(state) ?? 0) + 1);
    const fault = this.faults.get(state.route.service);
    const applies = fault ? this.draw(fault) : false;
    if (applies && fault!.kind === 'reset') {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const link = new Link(client, applies ? fault! : null);
    state.links.add(link);
    link.onClose = () => state.links.delete(link);
    const connect = (upstream: Upstream, retry: boolean) => {
      link.connect(upstream, () => {
        // A stale address (the container restarted elsewhere): look it up once more.
        state.upstream = undefined;
        if (retry && !link.closed) this.upstreamOf(state).then((u) => connect(u, false), () => link.destroy(true));
        else link.destroy(true);
      });
    };
    if (state.upstream) connect(state.upstream, true);
    else this.upstreamOf(state).then((u) => connect(u, false), (err: Error) => {
      this.opts.log?.(`${state.route.service}:${state.route.port}: no upstream (${err.message})`);
      link.destroy(true);
    });
  }

  private upstreamOf(state: RouteState): Promise<Upstream> {
    if (state.upstream) return Promise.resolve(state.upstream);
    state.resolving ??= this.opts.resolve(state.route).then(
      (u) => {
        state.resolving = undefined;
        state.upstream = u;
        return u;
      },
      (err: Error) => {
        state.resolving = undefined;
        throw err;
      },
    );
    return state.resolving;
  }
}

/** One forwarded data direction: chunks held while a fault delays or paces them. */
interface Direction {
  src: Socket;
  dst: Socket;
  held: Array<{ chunk: Buffer; at: number }>;
  heldBytes: number;
  /** When the last held chunk is due (chunks never overtake each other). */
  lastAt: number;
  timer?: NodeJS.Timeout;
  /** The source ended: end the destination once everything held is written. */
  ended: boolean;
  /** Paused by backpressure (destination full) or by the held high-water mark. */
  waitingDrain: boolean;
}

/** A consumer connection and its upstream twin. */
class Link {
  upstream?: Socket;
  closed = false;
  onClose?: () => void;
  private up?: Direction; // consumer -> target
  private down?: Direction; // target -> consumer
  private early: Buffer[] = [];
  private clientEnded = false;

  constructor(
    readonly client: Socket,
    private fault: ProxyFault | null,
  ) {
    // Until the upstream is connected, what the consumer sends waits here.
    client.on('data', this.onEarly);
    client.once('end', this.onEarlyEnd);
    client.on('error', () => this.destroy(true));
    client.on('close', () => this.destroy());
  }

  private readonly onEarly = (chunk: Buffer) => {
    this.early.push(chunk);
    if (this.early.length > 64) this.client.pause();
  };
  private readonly onEarlyEnd = () => {
    this.clientEnded = true;
  };

  connect(to: Upstream, onFail: () => void): void {
    if (this.closed) return;
    const upstream = net.connect({ host: to.host, port: to.port, noDelay: true, allowHalfOpen: true });
    this.upstream = upstream;
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (this.closed) return void upstream.destroy();
      this.client.removeListener('data', this.onEarly);
      this.client.removeListener('end', this.onEarlyEnd);
      this.up = this.wire(this.client, upstream);
      this.down = this.wire(upstream, this.client);
      for (const chunk of this.early) this.forward(this.up, chunk);
      this.early = [];
      if (this.clientEnded) this.endOf(this.up);
      this.client.resume();
      if (this.fault?.kind === 'timeout') this.freeze(true);
    });
    upstream.on('error', () => {
      if (!connected) {
        upstream.destroy();
        this.upstream = undefined;
        onFail();
      } else this.destroy(true);
    });
    upstream.on('close', () => {
      if (connected) this.destroy();
    });
  }

  private wire(src: Socket, dst: Socket): Direction {
    const d: Direction = { src, dst, held: [], heldBytes: 0, lastAt: 0, ended: false, waitingDrain: false };
    src.on('data', (chunk: Buffer) => this.forward(d, chunk));
    src.on('end', () => this.endOf(d));
    dst.on('drain', () => {
      if (d.waitingDrain && d.heldBytes < HELD_HIGH_WATER) {
        d.waitingDrain = false;
        if (this.fault?.kind !== 'timeout') src.resume();
      }
    });
    return d;
  }

  /** The one branch a chunk costs when no fault is active. */
  private forward(d: Direction, chunk: Buffer): void {
    const f = this.fault;
    if (f === null && d.held.length === 0) {
      if (!d.dst.write(chunk)) {
        d.waitingDrain = true;
        d.src.pause();
      }
      return;
    }
    const now = performance.now();
    let at = now;
    if (f && d === this.down) {
      if (f.kind === 'latency') at = now + f.latencyMs + (f.jitterMs ? (Math.random() * 2 - 1) * f.jitterMs : 0);
      else if (f.kind === 'bandwidth') {
        // Paced: each slice leaves when the budget allows (slices of at most 1/20 s of budget).
        const bytesPerMs = (f.kbPerS * 1024) / 1000;
        const slice = Math.max(1, Math.floor(bytesPerMs * 50));
        for (let off = 0; off < chunk.length; off += slice) {
          const part = chunk.subarray(off, off + slice);
          const start = Math.max(d.lastAt, now);
          this.hold(d, part, start + part.length / bytesPerMs);
        }
        return;
      }
    }
    this.hold(d, chunk, at);
  }

  private hold(d: Direction, chunk: Buffer, at: number): void {
    const due = Math.max(at, d.lastAt);
    d.lastAt = due;
    d.held.push({ chunk, at: due });
    d.heldBytes += chunk.length;
    if (d.heldBytes >= HELD_HIGH_WATER) {
      d.waitingDrain = true;
      d.src.pause();
    }
    this.schedule(d);
  }

  private schedule(d: Direction): void {
    if (d.timer || d.held.length === 0 || this.fault?.kind === 'timeout') return;
    const wait = d.held[0]!.at - performance.now();
    if (wait <= 0) return this.flush(d);
    d.timer = setTimeout(() => {
      d.timer = undefined;
      this.flush(d);
    }, wait);
  }

  private flush(d: Direction): void {
    const now = performance.now();
    while (d.held.length > 0 && d.held[0]!.at <= now + 1) {
      const { chunk } = d.held.shift()!;
      d.heldBytes -= chunk.length;
      if (!this.closed) d.dst.write(chunk);
    }
    if (d.held.length === 0) {
      d.lastAt = 0;
      if (d.ended && !this.closed) d.dst.end();
    }
    if (d.waitingDrain && d.heldBytes < HELD_HIGH_WATER && d.dst.writableLength < d.dst.writableHighWaterMark) {
      d.waitingDrain = false;
      d.src.resume();
    }
    this.schedule(d);
  }

  private endOf(d: Direction): void {
    d.ended = true;
    if (d.held.length === 0 && !this.closed) d.dst.end();
  }

  setFault(fault: ProxyFault | null): void {
    if (this.closed) return;
    const was = this.fault;
    this.fault = fault;
    if (fault?.kind === 'reset') return this.destroy(true);
    if (was?.kind === 'timeout' && fault?.kind !== 'timeout') this.freeze(false);
    if (fault?.kind === 'timeout') this.freeze(true);
    // Chunks held under the old fault leave when they were due (or at once when it ended).
    for (const d of [this.up, this.down]) {
      if (!d) continue;
      if (fault === null) for (const h of d.held) h.at = Math.min(h.at, performance.now());
      this.schedule(d);
    }
  }

  /** timeout: stop reading both ways; TCP holds what is in flight until the fault ends. */
  private freeze(on: boolean): void {
    for (const d of [this.up, this.down]) {
      if (!d) continue;
      if (on) {
        clearTimeout(d.timer);
        d.timer = undefined;
        d.src.pause();
      } else if (!d.waitingDrain) {
        d.src.resume();
        this.schedule(d);
      }
    }
    if (!this.up) {
      if (on) this.client.pause();
      else this.client.resume();
    }
  }

  destroy(reset = false): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of [this.up, this.down]) if (d?.timer) clearTimeout(d.timer);
    if (reset) {
      if (!this.client.destroyed) this.client.resetAndDestroy();
      if (this.upstream && !this.upstream.destroyed) this.upstream.resetAndDestroy();
    } else {
      this.client.destroy();
      this.upstream?.destroy();
    }
    this.onClose?.();
  }
}
