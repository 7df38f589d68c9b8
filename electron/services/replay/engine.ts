/**
 * The replay engine: sends a bundle's recorded traffic to a running session and compares every
 * answer with the recorded one. Timing per mode (schedule.ts), at most `concurrency` requests in
 * flight, cancellable with an AbortSignal, progress after every response.
 */
import { randomBytes } from 'node:crypto';
import { WorkbenchError } from '../../../shared/api/errors';
import { ingressPort, type BundleManifest } from '../../../shared/bundle/manifest';
import { compareResponses, compileNoise, type JsonCache } from '../../../shared/replay/compare';
import { headerValue, type HarEntry } from '../../../shared/replay/har';
import { judgeLatency, latencyHistogram, summarizeLatency } from '../../../shared/replay/latency';
import type { RunResponse } from '../../../shared/replay/noise';
import { formatReplayMode, parseReplayMode, successRate, type ReplayBodies, type ReplayMode, type ReplayReport, type ReplayResult } from '../../../shared/replay/report';
import { buildReplayRequest, type ReplayTargetService } from '../../../shared/replay/request';
import { tryUndoContentEncoding, undoContentEncoding } from './content-encoding';
import { createReplayAgent, ReplayHttpError, sendRequest } from './http-client';
import { DEFAULT_GAP_CAP_MS, sendOffsets } from './schedule';
import { loadTraffic } from './traffic';

/** What the engine needs of a session (SessionInfo from environments has all of it). */
export interface ReplaySessionLike {
  name: string;
  services: { name: string; endpoints: { container: number; url: string }[] }[];
}

export interface ReplayProgress {
  total: number;
  sent: number;
  done: number;
  matched: number;
  mismatched: number;
  errors: number;
  /** The result just completed. */
  last?: ReplayResult;
}

export interface ExecuteReplayOptions {
  session: ReplaySessionLike;
  bundle: { root: string; manifest: BundleManifest };
  mode?: ReplayMode | string;
  /** Most requests in flight at once (default 8). */
  concurrency?: number;
  /** Per-request limit for a complete answer (default 30 s). */
  timeoutMs?: number;
  /** Longest wait between two requests in timed modes (default 5 s). */
  gapCapMs?: number;
  /** Noise paths on top of the bundle's (e.g. the ones accepted into the session). */
  extraNoise?: readonly string[];
  /** Replay these instead of the bundle's traffic (already ordered). */
  entries?: HarEntry[];
  /** Keep every decoded replayed response in memory (noise suggestions need them). */
  keepResponses?: boolean;
  onProgress?: (p: ReplayProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface ExecutedReplay {
  report: ReplayReport;
  /** Side-by-side bodies of mismatched results (for the diff view). */
  bodies: ReplayBodies[];
  /** Replayed responses, decoded (for noise suggestions). */
  responses: RunResponse[];
}

export function targetServices(session: ReplaySessionLike, manifest: BundleManifest): ReplayTargetService[] {
  return session.services.map((s) => {
    const spec = manifest.services.find((m) => m.name === s.name);
    return { name: s.name, ingressPort: spec ? ingressPort(spec) : undefined, endpoints: s.endpoints };
  });
}

function newReplayId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(3).toString('hex')}`;
}

/** A counting semaphore: at most `limit` holders. */
function semaphore(limit: number) {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((r) => waiting.push(r));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function executeReplay(opts: ExecuteReplayOptions): Promise<ExecutedReplay> {
  const now = opts.now ?? (() => new Date());
  let mode: ReplayMode;
  try {
    mode = typeof opts.mode === 'string' ? parseReplayMode(opts.mode) : (opts.mode ?? { kind: 'as-recorded' });
  } catch (err) {
    throw new WorkbenchError('invalid_argument', (err as Error).message);
  }
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new WorkbenchError('invalid_argument', `concurrency must be an integer 1-1024, got ${concurrency}`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const manifest = opts.bundle.manifest;
  const noise = {
    jsonPaths: [...new Set([...(manifest.replay?.noise?.jsonPaths ?? []), ...(opts.extraNoise ?? [])])],
    headers: [...(manifest.replay?.noise?.headers ?? [])],
  };
  let compiled;
  try {
    compiled = compileNoise(noise);
  } catch (err) {
    throw new WorkbenchError('bundle_invalid', `replay.noise.jsonPaths: ${(err as Error).message}`);
  }
  const entries = opts.entries ?? (await loadTraffic(opts.bundle.root, manifest));
  const services = targetServices(opts.session, manifest);
  const offsets = sendOffsets(
    entries.map((e) => e.startedAtMs),
    mode,
    opts.gapCapMs ?? DEFAULT_GAP_CAP_MS,
  );

  const startedAt = now();
  const t0 = performance.now();
  const agent = createReplayAgent(concurrency);
  const slots = semaphore(concurrency);
  const results: (ReplayResult | undefined)[] = new Array(entries.length);
  const bodies: ReplayBodies[] = [];
  const responses: RunResponse[] = [];
  const progress: ReplayProgress = { total: entries.length, sent: 0, done: 0, matched: 0, mismatched: 0, errors: 0 };
  const inflight = new Set<Promise<void>>();
  const recordedJson: JsonCache = new WeakMap();
  const recordedBodies = new WeakMap<HarEntry, Uint8Array>();

  const finish = (r: ReplayResult) => {
    results[r.index] = r;
    progress.done++;
    if (r.outcome === 'matched') progress.matched++;
    else if (r.outcome === 'mismatched') progress.mismatched++;
    else progress.errors++;
    opts.onProgress?.({ ...progress, last: r });
  };

  const runOne = async (entry: HarEntry, index: number): Promise<void> => {
    const req = buildReplayRequest(entry, index, services);
    const base = {
      index,
      method: req.method,
      url: req.recordedUrl,
      recordedStatus: entry.response.status,
      recordedLatencyMs: entry.timeMs ?? null,
      source: entry.source,
    };
    if (!req.target.ok) {
      finish({ ...base, status: null, outcome: 'error', error: req.target.reason, latencyMs: null });
      return;
    }
    let res;
    try {
      res = await sendRequest(agent, { url: req.target.url, method: req.method, headers: req.headers, body: req.body }, { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      const message = err instanceof ReplayHttpError ? err.message : (err as Error).message;
      finish({ ...base, status: null, outcome: 'error', error: `${message} (sending to ${req.target.url})`, latencyMs: null });
      return;
    }
    let recordedBody = recordedBodies.get(entry);
    if (!recordedBody) {
      recordedBody = entry.response.bodyForm === 'text' || entry.response.bodyForm === 'empty' ? entry.response.body : tryUndoContentEncoding(entry.response.body, headerValue(entry.response.headers, 'content-encoding'));
      recordedBodies.set(entry, recordedBody);
    }
    let replayedBody = res.body;
    let decodeNote = '';
    try {
      replayedBody = undoContentEncoding(res.body, headerValue(res.headers, 'content-encoding'));
    } catch (err) {
      decodeNote = `\n(replayed body kept as sent: ${(err as Error).message})`;
    }
    const replayedContentType = headerValue(res.headers, 'content-type');
    if (opts.keepResponses) responses.push({ index, status: res.status, contentType: replayedContentType, body: replayedBody });
    const cmp = compareResponses({ status: entry.response.status, contentType: entry.response.contentType, body: recordedBody }, { status: res.status, contentType: replayedContentType, body: replayedBody }, compiled, recordedJson);
    const latencyMs = Math.round(res.latencyMs * 100) / 100;
    if (cmp.outcome === 'mismatched') {
      bodies.push({
        index,
        recorded: cmp.recordedText ?? `(${recordedBody.length} bytes of binary)`,
        replayed: cmp.replayedText ?? `(${replayedBody.length} bytes of binary)`,
        language: cmp.bodyKind === 'json' ? 'json' : cmp.bodyKind === 'binary' ? 'binary' : 'text',
      });
    }
    finish({ ...base, status: res.status, outcome: cmp.outcome, ...(cmp.diff ? { diff: cmp.diff + decodeNote } : {}), latencyMs });
  };

  try {
    for (let i = 0; i < entries.length; i++) {
      if (opts.signal?.aborted) break;
      const wait = t0 + offsets[i]! - performance.now();
      if (wait > 0) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
      await slots.acquire();
      if (opts.signal?.aborted) {
        slots.release();
        break;
      }
      progress.sent++;
      const p = runOne(entries[i]!, i).finally(() => {
        slots.release();
        inflight.delete(p);
      });
      inflight.add(p);
    }
    await Promise.all([...inflight]);
  } finally {
    await agent.close().catch(() => undefined);
  }

  const done = results.filter((r): r is ReplayResult => r !== undefined);
  const recordedLatencies = done.map((r) => r.recordedLatencyMs).filter((v): v is number => v !== null);
  const replayedLatencies = done.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  const finishedAt = now();
  const matched = done.filter((r) => r.outcome === 'matched').length;
  const report: ReplayReport = {
    id: newReplayId(startedAt),
    session: opts.session.name,
    mode: formatReplayMode(mode),
    concurrency,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    cancelled: done.length < entries.length,
    total: entries.length,
    sent: done.length,
    matched,
    mismatched: done.filter((r) => r.outcome === 'mismatched').length,
    errors: done.filter((r) => r.outcome === 'error').length,
    successRate: successRate(matched, done.length),
    noise,
    latency: {
      recorded: summarizeLatency(recordedLatencies),
      replayed: summarizeLatency(replayedLatencies),
      histogram: latencyHistogram(recordedLatencies, replayedLatencies),
      judgement: judgeLatency(recordedLatencies, replayedLatencies),
    },
    results: done,
  };
  bodies.sort((a, b) => a.index - b.index);
  responses.sort((a, b) => a.index - b.index);
  return { report, bodies, responses };
}
