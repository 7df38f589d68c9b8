/**
 * A game day's own traffic, sent from the host with the replay's HTTP client: the hypothesis
 * probes (one request, judged against its expectations) and the background load (a bundle's
 * recorded requests at a fixed rate, an answer counting as ok when its status is the recorded one).
 */
import type Docker from 'dockerode';
import { ingressPort, type BundleManifest } from '../../../shared/bundle/manifest';
import { probeFailures } from '../../../shared/gameday/expect';
import type { LoadSecond } from '../../../shared/gameday/journal';
import { probeTimeoutMs, type Probe } from '../../../shared/gameday/scenario';
import type { HarEntry } from '../../../shared/replay/har';
import { buildReplayRequest, createTargetMapper } from '../../../shared/replay/request';
import { gateAddress } from '../environments/sandbox';
import type { SessionRecord } from '../environments/state-store';
import { ReplayHttpError, sendRequest, type ReplayAgent } from '../replay/http-client';

/**
 * Where the host reaches a service port now: its published loopback endpoint (kept current in the
 * session record as faults restart containers), else (local engine) its address on the network.
 */
export class ServiceAddresses {
  private readonly ips = new Map<string, string>();

  constructor(
    private readonly docker: Docker,
    private readonly record: SessionRecord,
    private readonly manifest: BundleManifest,
  ) {}

  portOf(service: string, port?: number): number | undefined {
    const spec = this.manifest.services.find((s) => s.name === service);
    return port ?? (spec ? ingressPort(spec) : undefined);
  }

  published(service: string, port: number): string | undefined {
    const viaGate = gateAddress(this.record.sandbox, service, port);
    if (viaGate) return `http://${viaGate.host}:${viaGate.port}`;
    return this.record.services.find((s) => s.name === service)?.endpoints.find((e) => e.container === port)?.url;
  }

  /**
   * Container addresses are reachable from the host only when the engine runs here and the
   * session is not sealed behind a gate (which forwards the ingress, healthcheck and proxied ports).
   */
  private get local(): boolean {
    return !this.record.sandbox?.gate && this.record.agentPlan?.bindHost !== '127.0.0.1';
  }

  /** A problem with reaching service:port from the host, or undefined. */
  problem(service: string, port?: number): string | undefined {
    if (!this.record.services.some((s) => s.name === service)) return `session "${this.record.name}" has no service "${service}"`;
    const p = this.portOf(service, port);
    if (p === undefined) return `service "${service}" has no ingress port; name one with http.port`;
    if (this.published(service, p)) return undefined;
    return this.local ? undefined : `port ${p} of ${service} is not forwarded by the session's gate${this.record.sandbox?.gate ? ' (it forwards ingress, healthcheck and fault-proxy ports)' : ''}, and its containers are not reachable from here`;
  }

  describe(service: string, port?: number): string {
    const p = this.portOf(service, port);
    if (p === undefined) return `${service} (no port)`;
    return this.published(service, p) ?? `http://<${service} on ${this.record.network?.name ?? 'its network'}>:${p}`;
  }

  async origin(service: string, port?: number): Promise<string> {
    const p = this.portOf(service, port);
    if (p === undefined) throw new Error(`service "${service}" has no ingress port`);
    const url = this.published(service, p);
    if (url) return url;
    let ip = this.ips.get(service);
    if (!ip) {
      const id = this.record.services.find((s) => s.name === service)?.containerId;
      const info = id ? await this.docker.getContainer(id).inspect() : undefined;
      ip = info?.NetworkSettings?.Networks?.[this.record.network?.name ?? '']?.IPAddress || undefined;
      if (!ip) throw new Error(`${service} has no address on the session network`);
      this.ips.set(service, ip);
    }
    return `http://${ip}:${p}`;
  }

  /** After a container fault: its address may have changed. */
  forget(service: string): void {
    this.ips.delete(service);
  }
}

export interface ProbeOutcome {
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  failures: string[];
}

/** One probe request, judged. Never throws: a transport error is a failed probe. */
export async function sendProbe(agent: ReplayAgent, addresses: ServiceAddresses, probe: Probe, signal?: AbortSignal, timeoutMs = probeTimeoutMs(probe)): Promise<ProbeOutcome> {
  let origin: string;
  try {
    origin = await addresses.origin(probe.http.service, probe.http.port);
  } catch (err) {
    return { ok: false, status: null, latencyMs: null, failures: [(err as Error).message] };
  }
  try {
    const res = await sendRequest(
      agent,
      {
        origin,
        path: probe.http.path,
        method: probe.http.method ?? 'GET',
        headers: Object.entries(probe.http.headers ?? {}).map(([name, value]) => ({ name, value })),
        body: probe.http.body !== undefined ? new TextEncoder().encode(probe.http.body) : null,
      },
      { timeoutMs, ...(signal ? { signal } : {}) },
    );
    const latencyMs = Math.round(res.latencyMs * 10) / 10;
    const failures = probeFailures(probe, { status: res.status, latencyMs, body: Buffer.from(res.body).toString('utf8') });
    return { ok: failures.length === 0, status: res.status, latencyMs, failures };
  } catch (err) {
    const e = err as ReplayHttpError;
    return { ok: false, status: null, latencyMs: null, failures: [e.kind === 'timeout' ? `no answer within ${timeoutMs} ms` : e.message] };
  }
}

/**
 * Background load: the recorded requests of one HAR, in order and round again, started at a
 * steady rate (not waiting for answers: a slow target gets the same pressure), at most
 * `concurrency` in flight (beyond that a request is counted as failed: the target is not keeping up).
 */
export class LoadGenerator {
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private next = 0;
  private readonly seconds = new Map<number, LoadSecond>();
  readonly totals = { sent: 0, ok: 0, failed: 0 };
  private startedAt = 0;
  private readonly controller = new AbortController();

  constructor(
    private readonly opts: {
      agent: ReplayAgent;
      entries: HarEntry[];
      ratePerS: number;
      concurrency: number;
      addresses: ServiceAddresses;
      manifest: BundleManifest;
      record: SessionRecord;
      /** ms of the method clock now */
      clock: () => number;
      onSecond?: (s: LoadSecond) => void;
      timeoutMs?: number;
    },
  ) {}

  start(): void {
    this.startedAt = performance.now();
    const interval = 1000 / this.opts.ratePerS;
    let sent = 0;
    const tick = () => {
      // Catch up on whole intervals that passed (timers are late under load), then wait for the next.
      const due = Math.floor((performance.now() - this.startedAt) / interval) + 1;
      while (sent < due && !this.controller.signal.aborted) {
        sent++;
        this.fire();
      }
      if (this.controller.signal.aborted) return;
      this.timer = setTimeout(tick, Math.max(0, this.startedAt + sent * interval - performance.now()));
    };
    tick();
  }

  private bucket(t: number): LoadSecond {
    const s = Math.max(0, Math.floor(t / 1000));
    let b = this.seconds.get(s);
    if (!b) {
      // A second is reported live once the next one starts (answers still on their way are in
      // the final journal, not in that live report).
      for (const [k, v] of this.seconds) if (k < s && !this.reported.has(k)) this.report(k, v);
      b = { t: s, sent: 0, ok: 0, failed: 0 };
      this.seconds.set(s, b);
    }
    return b;
  }

  private readonly reported = new Set<number>();
  private report(k: number, v: LoadSecond): void {
    this.reported.add(k);
    this.opts.onSecond?.(v);
  }

  private fire(): void {
    const { entries } = this.opts;
    if (entries.length === 0) return;
    const entry = entries[this.next++ % entries.length]!;
    const t = this.opts.clock();
    const b = this.bucket(t);
    b.sent++;
    this.totals.sent++;
    const fail = () => {
      b.failed++;
      this.totals.failed++;
    };
    if (this.inFlight >= this.opts.concurrency) return fail();
    const mapper = createTargetMapper(
      this.opts.record.services.map((s) => {
        const spec = this.opts.manifest.services.find((m) => m.name === s.name);
        return { name: s.name, ingressPort: spec ? ingressPort(spec) : undefined, endpoints: s.endpoints };
      }),
    );
    const req = buildReplayRequest(entry, 0, mapper);
    if (!req.target.ok) return fail();
    this.inFlight++;
    sendRequest(this.opts.agent, { origin: req.target.origin, path: req.target.path, method: req.method, headers: req.headers, body: req.body }, { timeoutMs: this.opts.timeoutMs ?? 10_000, signal: this.controller.signal })
      .then(
        (res) => {
          if (res.status === entry.response.status) {
            b.ok++;
            this.totals.ok++;
          } else fail();
        },
        (err: ReplayHttpError) => {
          if (err.kind !== 'cancelled') fail();
          else {
            b.sent--;
            this.totals.sent--;
          }
        },
      )
      .finally(() => this.inFlight--);
  }

  /** Stop sending; answers still in flight are given up (not counted: sent = ok + failed). */
  async stop(): Promise<LoadSecond[]> {
    clearTimeout(this.timer);
    this.controller.abort();
    // the client rejects what was in flight as cancelled at once; wait for that bookkeeping
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const all = [...this.seconds.values()].sort((a, b) => a.t - b.t);
    for (const s of all) if (!this.reported.has(s.t)) this.report(s.t, s);
    return all;
  }

  /** Error share over the last `windowS` complete seconds (NaN without traffic). */
  errorRate(windowS: number, nowT: number): number {
    const current = Math.floor(nowT / 1000);
    let sent = 0;
    let failed = 0;
    for (let s = current - windowS; s < current; s++) {
      const b = this.seconds.get(s);
      if (!b) continue;
      sent += b.sent;
      failed += b.failed;
    }
    return sent === 0 ? Number.NaN : failed / sent;
  }
}
