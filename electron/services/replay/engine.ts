/**
 * The replay engine: sends a bundle's recorded traffic to a running session and compares every
 * answer with the recorded one. Timing per mode (schedule.ts), at most `concurrency` requests in
 * flight, cancellable with an AbortSignal, progress after every response.
 */
import { randomBytes } from 'node:crypto';
import { WorkbenchError } from '../../../shared/api/errors';
import { ingressPort, type BundleManifest } from '../../../shared/bundle/manifest';
import { compareResponses, compileNoise } from '../../../shared/replay/compare';
import { headerValue, type HarEntry, type SkippedEntry } from '../../../shared/replay/har';
import { judgeLatency, latencyHistogram, summarizeLatency } from '../../../shared/replay/latency';
import type { RunResponse } from '../../../shared/replay/noise';
import { formatReplayMode, parseReplayMode, successRate, type ReplayBodies, type ReplayMode, type ReplayReport, type ReplayResult } from '../../../shared/replay/report';
import { buildReplayRequest, createTargetMapper, formatHostMapping, parseHostMapping, type HostMapping, type HostRoute, type ReplayTargetService } from '../../../shared/replay/request';
import { undoContentEncoding } from './content-encoding';
import { createReplayAgent, responseHeader, type SentResponse } from './http-client';
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
  /** Requests recorded for these hosts go to these services (`HOST[:PORT]=SERVICE` or parsed). */
  hostMap?: readonly (HostMapping | string)[];
  /** Keep every decoded replayed response in memory (noise suggestions need them). */
  keepResponses?: boolean;
  /** Side-by-side bodies kept for the diff view: at most this many mismatches (default 200)… */
  maxBodies?: number;
  /** …each side cut at this many characters (default 256 Ki). */
  maxBodyChars?: number;
  onProgress?: (p: ReplayProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export const DEFAULT_MAX_BODIES = 200;
export const DEFAULT_MAX_BODY_CHARS = 256 * 1024;
/** A result row's diff is cut here: the full bodies (when kept) are in the diff view. */
export const MAX_DIFF_CHARS = 16 * 1024;

export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (cut: ${text.length - max} more characters)`;
}

export interface ExecutedReplay {
  report: ReplayReport;
  /** Side-by-side bodies of mismatched results (for the diff view), capped (report.bodies says how many were left out). */
  bodies: ReplayBodies[];
  /** Replayed responses, decoded (for noise suggestions). */
  responses: RunResponse[];
}

export function targetServices(session: ReplaySessionLike, manifest: BundleManifest): ReplayTargetService[] {
  return session.services.map((s) => {
    const spec = manifest.services.find((m) => m.name === s.name);
    return { name: s.name, ingressPort: spec ? ingressPort(spec) : undefined, ingress: !!spec?.ports?.some((p) => p.ingress), endpoints: s.endpoints };
  });
}

/**
 * The recorded body as comparable bytes, worked out once per entry (not per answer): text forms
 * are already decoded; binary forms (Polly's hex, base64) are undone from their content-encoding
 * when they decode, else they were stored decoded (browsers keep the header). A hex reading that
 * only the header suggested falls back to the literal text.
 */
export function comparableRecordedBody(entry: HarEntry): Uint8Array {
  const res = entry.response;
  if (res.bodyForm === 'text' || res.bodyForm === 'empty') return res.body;
  const encoding = headerValue(res.headers, 'content-encoding');
  if (encoding === undefined) return res.body;
  try {
    return undoContentEncoding(res.body, encoding);
  } catch {
    return res.bodyAsText ?? res.body;
  }
}

function checkHostMap(hostMap: readonly (HostMapping | string)[], services: ReplayTargetService[]): HostMapping[] {
  return hostMap.map((m) => {
    let parsed: HostMapping;
    try {
      parsed = typeof m === 'string' ? parseHostMapping(m) : m;
    } catch (err) {
      throw new WorkbenchError('invalid_argument', (err as Error).message);
    }
    if (!services.some((s) => s.name === parsed.service)) {
      throw new WorkbenchError('invalid_argument', `host map ${formatHostMapping(parsed)}: no service named "${parsed.service}" in the session (services: ${services.map((s) => s.name).join(', ') || 'none'})`);
    }
    return parsed;
  });
}

/** What a person should be told about a replay, each thing once. */
export function replayNotices(r: { total: number; files?: string[]; skipped: SkippedEntry[]; routes: HostRoute[]; bodiesNotRecorded: number }): string[] {
  const notices: string[] = [];
  if (r.total === 0) {
    notices.push(
      r.skipped.length > 0
        ? `Nothing to replay: all ${r.skipped.length} recorded requests failed when they were recorded (no answer to compare).`
        : r.files && r.files.length === 0
          ? 'Nothing to replay: the bundle has no traffic/*.har files. Add one with repro traffic add.'
          : 'Nothing to replay: the traffic files hold no requests.',
    );
  }
  if (r.skipped.length > 0 && r.total > 0) {
    const reasons = new Map<string, number>();
    for (const s of r.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    notices.push(`Skipped ${r.skipped.length} request${r.skipped.length === 1 ? '' : 's'} that failed when recorded: ${[...reasons].map(([why, n]) => `${why} (${n})`).join(', ')}.`);
  }
  const viaIngress = r.routes.filter((x) => x.via === 'ingress');
  if (viaIngress.length > 0) {
    notices.push(`Requests recorded for ${viaIngress.map((x) => x.host).join(', ')} (not service names) were sent to the ingress service ${viaIngress[0]!.service}. Use a host map (--host-map HOST[:PORT]=SERVICE) to send them elsewhere.`);
  }
  for (const x of r.routes.filter((y) => y.via === 'host-map')) notices.push(`Requests recorded for ${x.host} were sent to ${x.service} (host map).`);
  if (r.bodiesNotRecorded > 0) {
    notices.push(`${r.bodiesNotRecorded} recorded answer${r.bodiesNotRecorded === 1 ? ' has' : 's have'} no body in the HAR (not kept by the browser, or cut off): compared on status and content-type only.`);
  }
  return notices;
}

function newReplayId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(3).toString('hex')}`;
}

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
  const services = targetServices(opts.session, manifest);
  const hostMap = checkHostMap(opts.hostMap ?? [], services);
  const traffic = opts.entries ? { entries: opts.entries, skipped: [], files: undefined } : await loadTraffic(opts.bundle.root, manifest);
  const entries = traffic.entries;
  const mapTarget = createTargetMapper(services, hostMap);
  const recordedBodies = entries.map(comparableRecordedBody);
  const offsets = sendOffsets(
    entries.map((e) => e.startedAtMs),
    mode,
    opts.gapCapMs ?? DEFAULT_GAP_CAP_MS,
  );

  const startedAt = now();
  const t0 = performance.now();
  const agent = createReplayAgent(concurrency);
  const results: (ReplayResult | undefined)[] = new Array(entries.length);
  const bodies: ReplayBodies[] = [];
  const maxBodies = opts.maxBodies ?? DEFAULT_MAX_BODIES;
  const maxBodyChars = opts.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  let bodiesOmitted = 0;
  const responses: RunResponse[] = [];
  const progress: ReplayProgress = { total: entries.length, sent: 0, done: 0, matched: 0, mismatched: 0, errors: 0 };

  const finish = (r: ReplayResult) => {
    results[r.index] = r;
    progress.done++;
    if (r.outcome === 'matched') progress.matched++;
    else if (r.outcome === 'mismatched') progress.mismatched++;
    else progress.errors++;
    opts.onProgress?.({ ...progress, last: r });
  };

  // Every result has the same shape, in the order of the schema (one hidden class, and the JSON
  // reads in the order the issue lists).
  const result = (entry: HarEntry, index: number, status: number | null, outcome: ReplayResult['outcome'], latencyMs: number | null): ReplayResult => ({
    index,
    method: entry.request.method,
    url: entry.request.url,
    status,
    recordedStatus: entry.response.status,
    outcome,
    diff: undefined,
    error: undefined,
    latencyMs,
    recordedLatencyMs: entry.timeMs ?? null,
    source: entry.source,
    note: undefined,
  });
  const sendOptions = { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };

  /** The result of an entry that could not be sent or answered. */
  const failed = (entry: HarEntry, index: number, error: string): ReplayResult => {
    const r = result(entry, index, null, 'error', null);
    r.error = error;
    return r;
  };

  /** Compare one answer with the recording and count it. */
  const judge = (entry: HarEntry, index: number, res: SentResponse | ReplayResult): void => {
    if (!('body' in res)) return finish(res);
    const recordedBody = recordedBodies[index]!;
    const notRecorded = entry.response.bodyNotRecorded;
    let replayedBody = res.body;
    let decodeNote = '';
    const encoding = responseHeader(res, 'content-encoding');
    if (encoding !== undefined) {
      try {
        replayedBody = undoContentEncoding(res.body, encoding);
      } catch (err) {
        decodeNote = `\n(replayed body kept as sent: ${(err as Error).message})`;
      }
    }
    const replayedContentType = responseHeader(res, 'content-type');
    if (opts.keepResponses) responses.push({ index, status: res.status, contentType: replayedContentType, body: replayedBody });
    const cmp = compareResponses(
      notRecorded === undefined ? { status: entry.response.status, contentType: entry.response.contentType, body: recordedBody } : { status: entry.response.status, contentType: entry.response.contentType, body: recordedBody, bodyNotRecorded: true },
      { status: res.status, contentType: replayedContentType, body: replayedBody },
      compiled,
    );
    if (cmp.outcome === 'mismatched') {
      // Bounded: a replay with a million mismatches keeps a few hundred bodies, not a million.
      if (bodies.length < maxBodies) {
        bodies.push({
          index,
          recorded: capText(cmp.recordedText ?? `(${recordedBody.length} bytes of binary)`, maxBodyChars),
          replayed: capText(cmp.replayedText ?? `(${replayedBody.length} bytes of binary)`, maxBodyChars),
          language: cmp.bodyKind === 'json' ? 'json' : cmp.bodyKind === 'binary' ? 'binary' : 'text',
        });
      } else bodiesOmitted++;
    }
    const r = result(entry, index, res.status, cmp.outcome, Math.round(res.latencyMs * 100) / 100);
    if (cmp.diff) r.diff = capText(cmp.diff + decodeNote, MAX_DIFF_CHARS);
    if (notRecorded !== undefined) r.note = `${notRecorded}: compared status${entry.response.contentType === undefined ? '' : ' and content-type'} only`;
    finish(r);
  };

  // Requests go out in recorded order, at most `concurrency` in flight, none before its time:
  // pump() sends what it may, and every answer (in the client's read callback) calls it again,
  // so the next request is on the wire before anything else happens. No promise or async frame
  // per request: at max rate that bookkeeping cost as much CPU as the comparison.
  // Answers are compared in a batch after the event loop's I/O phase, once every connection whose
  // answer arrived in it has its next request on the wire. Comparing first would leave the
  // target idle, and waking an idle target for each request cost the client more CPU (in the
  // kernel, on every write) than the comparison itself.
  const answeredIndex: number[] = [];
  const answers: (SentResponse | ReplayResult)[] = [];
  // Requests cut off in flight by a stop: not errors (they did not complete), but the replay was cancelled.
  let stoppedInFlight = 0;
  let judging: NodeJS.Immediate | undefined;
  const judgeAnswered = () => {
    judging = undefined;
    for (let k = 0; k < answeredIndex.length; k++) {
      const index = answeredIndex[k]!;
      const entry = entries[index]!;
      const res = answers[k]!;
      try {
        judge(entry, index, res);
      } catch (err) {
        // Runs outside any promise: a comparison that throws must become a result, not a crash.
        const r = result(entry, index, 'status' in res && typeof res.status === 'number' ? res.status : null, 'error', null);
        r.error = `could not compare the answer: ${(err as Error).message}`;
        finish(r);
      }
    }
    answeredIndex.length = 0;
    answers.length = 0;
  };
  const answered = (index: number, res: SentResponse | ReplayResult) => {
    answeredIndex.push(index);
    answers.push(res);
    judging ??= setImmediate(judgeAnswered);
  };
  const timed = mode.kind !== 'max';
  const slots = Math.min(concurrency, entries.length);
  let next = 0;
  let inFlight = 0;
  let waiting: NodeJS.Timeout | undefined;
  let allSent!: () => void;
  const sentAll = new Promise<void>((resolve) => (allSent = resolve));
  const pump = (): void => {
    while (inFlight < slots && next < entries.length && !opts.signal?.aborted) {
      const i = next;
      if (timed) {
        const wait = t0 + offsets[i]! - performance.now();
        if (wait > 0) {
          waiting ??= setTimeout(() => {
            waiting = undefined;
            pump();
          }, wait);
          return;
        }
      }
      next++;
      progress.sent++;
      const entry = entries[i]!;
      const req = buildReplayRequest(entry, i, mapTarget);
      const target = req.target;
      if (!target.ok) {
        answered(i, failed(entry, i, target.reason));
        continue;
      }
      const where = target.url;
      const onError = (err: Error) => {
        inFlight--;
        if (opts.signal?.aborted) stoppedInFlight++;
        else answered(i, failed(entry, i, `${err.message} (sending to ${where})`));
        pump();
      };
      try {
        agent.sendWith({ origin: target.origin, path: target.path, method: req.method, headers: req.headers, body: req.body }, sendOptions, (res) => {
          inFlight--;
          answered(i, res);
          pump();
        }, onError);
        inFlight++;
      } catch (err) {
        answered(i, failed(entry, i, `${(err as Error).message} (sending to ${where})`));
      }
    }
    // Cancelled: what was not sent is left out of the report, and nobody sends it later.
    if (opts.signal?.aborted) next = entries.length;
    if (inFlight === 0 && next >= entries.length) allSent();
  };
  const onAbort = () => {
    if (waiting) clearTimeout(waiting);
    waiting = undefined;
    pump();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    pump();
    await sentAll;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (waiting) clearTimeout(waiting);
    if (judging) clearImmediate(judging);
    judgeAnswered();
    await agent.close().catch(() => undefined);
  }

  // One pass over the results for the counts and both latency series.
  const done: ReplayResult[] = [];
  const recordedLatencies: number[] = [];
  const replayedLatencies: number[] = [];
  let matched = 0;
  let mismatched = 0;
  let bodiesNotRecorded = 0;
  for (const r of results) {
    if (r === undefined) continue;
    done.push(r);
    if (r.note !== undefined && r.status !== null) bodiesNotRecorded++;
    if (r.outcome === 'matched') matched++;
    else if (r.outcome === 'mismatched') mismatched++;
    if (r.recordedLatencyMs !== null) recordedLatencies.push(r.recordedLatencyMs);
    if (r.latencyMs !== null) replayedLatencies.push(r.latencyMs);
  }
  const finishedAt = now();
  const report: ReplayReport = {
    id: newReplayId(startedAt),
    session: opts.session.name,
    mode: formatReplayMode(mode),
    concurrency,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    // Stopped is not broken: requests cut off in flight are left out, never counted as errors.
    cancelled: stoppedInFlight > 0 || done.length < entries.length,
    total: entries.length,
    sent: done.length,
    matched,
    mismatched,
    errors: done.length - matched - mismatched,
    successRate: successRate(matched, done.length),
    skipped: traffic.skipped,
    bodiesNotRecorded,
    routes: mapTarget.routes(),
    hostMap: hostMap.map(formatHostMapping),
    notices: [],
    noise,
    latency: {
      recorded: summarizeLatency(recordedLatencies),
      replayed: summarizeLatency(replayedLatencies),
      histogram: latencyHistogram(recordedLatencies, replayedLatencies),
      judgement: judgeLatency(recordedLatencies, replayedLatencies),
    },
    bodies: { kept: bodies.length, omitted: bodiesOmitted },
    results: done,
  };
  report.notices = replayNotices({ ...report, files: traffic.files });
  bodies.sort((a, b) => a.index - b.index);
  responses.sort((a, b) => a.index - b.index);
  return { report, bodies, responses };
}
